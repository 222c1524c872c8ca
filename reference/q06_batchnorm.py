"""Q6 reference: batch normalization in numpy, in the course's and CS231n's interfaces.

Verified in tests against `keras.layers.BatchNormalization` (training and
inference outputs, moving statistics) and, for the backward pass, against
central finite differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


def forward_batchnorm(
    Z: Array,
    gamma: Array,
    beta: Array,
    eps: float,
    cache_dict: dict[str, Array],
    beta_avg: float,
    mode: str,
) -> Array:
    """The course's interface: Z is (num_examples, num_features); cache_dict is updated in place."""
    if mode == "train":
        mu = Z.mean(axis=0)
        var = Z.var(axis=0)  # biased (divides by N), as batch normalization defines it
        cache_dict["mu"] = beta_avg * cache_dict["mu"] + (1 - beta_avg) * mu
        cache_dict["var"] = beta_avg * cache_dict["var"] + (1 - beta_avg) * var
    elif mode == "test":
        mu, var = cache_dict["mu"], cache_dict["var"]
    else:
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    out: Array = gamma * Z_norm + beta
    return out


def batchnorm_forward(x: Array, gamma: Array, beta: Array, bn_param: dict[str, Any]) -> tuple[Array, Any]:
    """CS231n's interface. bn_param: mode, eps (1e-5), momentum (0.9), running_mean/var (updated in place)."""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    features = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(features, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(features, dtype=x.dtype))
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = (x - mu) * inv_std
        out = gamma * x_hat + beta
        cache = (x_hat, gamma, inv_std)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        cache = None
    else:
        raise ValueError(f"invalid forward batchnorm mode {mode!r}")
    return out, cache


def batchnorm_backward(dout: Array, cache: Any) -> tuple[Array, Array, Array]:
    """Gradients of batchnorm_forward in train mode, in the compact closed form."""
    x_hat, gamma, inv_std = cache
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


def numeric_gradient(function: Any, x: Array, dout: Array, h: float = 1e-5) -> Array:
    """Central differences of sum(function(x) * dout) with respect to every entry of x."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = np.sum(function(x) * dout)
        flat[i] = saved - h
        minus = np.sum(function(x) * dout)
        flat[i] = saved
        grad.reshape(-1)[i] = (plus - minus) / (2 * h)
    return grad


def numeric_batchnorm_gradients(
    x: Array, gamma: Array, beta: Array, dout: Array, eps: float = 1e-5
) -> tuple[Array, Array, Array]:
    """dx, dgamma, dbeta of the true train-mode function, by finite differences (float64)."""
    x, gamma, beta = (np.array(a, dtype=np.float64) for a in (x, gamma, beta))

    def out(x_: Array, g_: Array, b_: Array) -> Array:
        return batchnorm_forward(x_, g_, b_, {"mode": "train", "eps": eps})[0]

    dx = numeric_gradient(lambda v: out(v, gamma, beta), x, dout)
    dgamma = numeric_gradient(lambda v: out(x, v, beta), gamma, dout)
    dbeta = numeric_gradient(lambda v: out(x, gamma, v), beta, dout)
    return dx, dgamma, dbeta


def dense_batchnorm_trainable(inputs: int = 10, outputs: int = 20, dense_bias: bool = True) -> dict[str, int]:
    """Q6(e), counted from the definitions (and checked against Keras in tests)."""
    dense = inputs * outputs + (outputs if dense_bias else 0)
    return {"dense": dense, "bn_trainable": 2 * outputs, "bn_non_trainable": 2 * outputs,
            "total_trainable": dense + 2 * outputs}  # fmt: skip


def key_values() -> dict[str, Any]:
    from grader.answers import load

    counts = dense_batchnorm_trainable()
    return {
        "true_statements": sorted(int(v) for v in load("q06")["true_statements"]),
        "trainable_params": counts["total_trainable"],
        "trainable_params_breakdown": counts,
        "trainable_params_without_dense_bias": dense_batchnorm_trainable(dense_bias=False)["total_trainable"],
        "forward": "out = gamma * (Z - mu) / sqrt(var + eps) + beta; mu, var over axis 0 (biased variance)",
        "moving_average": "cache['mu'] = beta_avg * cache['mu'] + (1 - beta_avg) * mu (same for var)",
    }
