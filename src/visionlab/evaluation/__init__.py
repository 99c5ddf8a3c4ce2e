"""visionlab.evaluation."""
