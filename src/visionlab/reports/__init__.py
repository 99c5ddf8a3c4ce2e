"""visionlab.reports."""
