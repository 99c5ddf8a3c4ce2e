"""visionlab.models."""
