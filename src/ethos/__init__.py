"""ethos: train language models to be broadly and persistently beneficial, and measure it honestly."""

__version__ = "0.1.0"
