"""wdtui: learn weight decay (L2 regularization) by running it, in the terminal."""

__version__ = "0.1.0"
