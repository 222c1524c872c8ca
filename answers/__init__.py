"""Answer-key content (data, not code): installed as the package `hw4_answers`."""
