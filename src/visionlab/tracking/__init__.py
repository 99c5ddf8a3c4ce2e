"""Experiment trackers fed beside the run folder: MLflow (`mlflow.py`) and TensorBoard
(`tensorboard.py`).

The run folder stays the record of a run; a tracker copies it into another tool as it grows.
`visionlab.api` starts a `TrackingSession` (`session.py`) once the run folder's header is
written, hands its Keras callbacks to the trainer (`Trainer.fit(extra_callbacks=...)`), and
ends it when the run completes, fails or is interrupted. The session's record in run.json
(`tracking`) lets `resume` continue the same MLflow run.

Example:
    session = start_tracking(config, run_dir)         # config.tracking = ["mlflow"]
    with session.during_training():
        trainer.fit(model, epochs=3, extra_callbacks=session.callbacks())
    session.complete(Run(run_dir))
"""
