"""visionlab.training."""
