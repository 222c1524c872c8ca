def forward_batchnorm(Z, gamma, beta, eps, cache_dict, beta_avg, mode):
    """Q6(b): batch normalization forward pass.

    Z: (num_examples, num_features). mode: 'train' or 'test'.
    In 'train' mode, use the batch mean and (biased) variance over axis 0 and update
    cache_dict['mu'] and cache_dict['var'] in place as moving averages:
        cache_dict['mu'] = beta_avg * cache_dict['mu'] + (1 - beta_avg) * mu
    In 'test' mode, use cache_dict['mu'] and cache_dict['var'].
    Return gamma * (Z - mu) / sqrt(var + eps) + beta.
    """
    raise NotImplementedError("Q6(b): complete forward_batchnorm")
