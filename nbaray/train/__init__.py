"""Training the points model on the feature store with Ray Train, and batch predictions with Ray Data (D11)."""

from nbaray.train.predict import predict
from nbaray.train.training import train

__all__ = ["predict", "train"]
