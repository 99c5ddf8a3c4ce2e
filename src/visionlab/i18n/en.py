"""English messages: key -> `str.format` template (the reference catalog)."""

MESSAGES: dict[str, str] = {
    # Diagnosis: rule titles, severities, messages and knobs.
    "severity.info": "info",
    "severity.warning": "warning",
    "severity.problem": "problem",
    "rule.healthy": "Healthy training",
    "rule.no_history": "No history",
    "rule.overfitting": "Overfitting",
    "rule.underfitting": "Underfitting",
    "rule.learned_nothing": "Learned nothing",
    "rule.divergence": "Divergence",
    "rule.high_learning_rate": "Learning rate too high",
    "rule.plateau": "Plateau",
    "rule.validation_above_train": "Validation above train",
    "rule.recall_spread": "Uneven classes",
    "rule.class_imbalance": "Class imbalance",
    "rule.dead_units": "Dead ReLU units",
    "rule.bn_lag": "Batch-norm statistics lag behind the weights",
    "diagnosis.knob_label": "What to try",
    "diagnosis.healthy.message": (
        "Training looks healthy: validation accuracy {validation} at the last epoch (best "
        "{best} at epoch {best_epoch}), train accuracy {train}, a gap of {gap} points."),
    "diagnosis.healthy.test": "Test accuracy is {test}.",
    "diagnosis.healthy.knob": (
        "Nothing urgent. To go further, try a larger model or data augmentation and compare "
        "the runs with `visionlab compare`."),
    "diagnosis.no_history.message": "No epoch finished, so there is nothing to diagnose yet.",
    "diagnosis.no_history.knob": (
        "Check the run's status; resume it with `visionlab train --resume RUN`."),
    "diagnosis.overfitting.gap": (
        "Train accuracy {train} vs validation {validation} at the last epoch: a gap of {gap} "
        "points → overfitting."),
    "diagnosis.overfitting.loss_rise": (
        "Validation loss rises from epoch {epoch} on ({best_loss} → {final_loss}, +{rise}) "
        "while train loss keeps falling ({train_then} → {train_final}): the model starts "
        "memorizing the training set."),
    "diagnosis.overfitting.knob": (
        "Add regularization (dropout, L2 on the weights, data augmentation), use more data or "
        "a smaller model, or stop earlier (EarlyStopping with restore_best_weights)."),
    "diagnosis.underfitting.message": (
        "Train accuracy {train} and validation accuracy {validation} are both below "
        "{threshold} → underfitting: the model does not even fit the training data well."),
    "diagnosis.underfitting.still_falling": (
        "Train loss was still falling at the end ({change} over the last {epochs} epochs), so "
        "more epochs will help."),
    "diagnosis.underfitting.flat": (
        "Train loss has flattened ({change} over the last {epochs} epochs): more epochs alone "
        "will not help."),
    "diagnosis.underfitting.knob": (
        "Give the model more capacity (more units or filters, more layers, a CNN for images), "
        "train longer, reduce regularization (dropout, L2) or raise the learning rate."),
    "diagnosis.learned_nothing.message": (
        "{which} accuracy {accuracy} is at chance level ({chance} for {num_classes} classes): "
        "the model learned nothing."),
    "diagnosis.learned_nothing.majority": (
        "Always answering the largest class would already score {majority}."),
    "diagnosis.learned_nothing.one_class": (
        "It predicts only {predicted} of the {num_classes} classes."),
    "diagnosis.learned_nothing.symmetry": (
        "A classic cause is a constant initialization (all zeros or all ones): the weights "
        "start symmetric, every unit of a layer receives the same gradient, so the units stay "
        "identical and the whole layer behaves like a single unit."),
    "diagnosis.learned_nothing.knob": (
        "Use a random initializer (glorot_uniform or he_normal, the Keras defaults), check "
        "that pixels are scaled and labels match images, and lower the learning rate 10× if "
        "the loss exploded."),
    "diagnosis.metric.accuracy": "accuracy",
    "diagnosis.metric.loss": "loss",
    "diagnosis.points": "{value} points",
    "diagnosis.which.test": "Test",
    "diagnosis.which.validation": "Validation",
    "diagnosis.which.train": "Train",
    "diagnosis.divergence.nan": "The {column} became NaN or infinite at epoch {epoch}.",
    "diagnosis.divergence.exploding": (
        "The training loss exploded: {first} at epoch {first_epoch} → {peak} at epoch "
        "{epoch} ({factor}× larger)."),
    "diagnosis.divergence.knob": (
        "Lower the learning rate 3–10×, add gradient clipping (clipnorm=1.0), and check that "
        "pixels are scaled (for example to 0–1) and no label is out of range."),
    "diagnosis.high_learning_rate.message": (
        "Validation loss zig-zags: it reversed direction {reversals} times in {epochs} "
        "epochs, with steps of {step} of its level on average → the learning rate is probably "
        "too high."),
    "diagnosis.high_learning_rate.current": "The learning rate at the end was {learning_rate}.",
    "diagnosis.high_learning_rate.knob": (
        "Lower the learning rate 3–10×, or let a schedule decay it (cosine, "
        "ReduceLROnPlateau); a larger batch also smooths the updates."),
    "diagnosis.plateau.message": (
        "Validation {metric} has not improved by more than {min_delta} since epoch "
        "{since_epoch} ({since}; best {best} at epoch {best_epoch}): the last {epochs} epochs "
        "were spent on a plateau."),
    "diagnosis.plateau.knob": (
        "Decay the learning rate when progress stalls (ReduceLROnPlateau, a cosine schedule) "
        "or stop early (EarlyStopping, patience {patience}), which would have saved {epochs} "
        "epochs."),
    "diagnosis.validation_above_train.message": (
        "Validation accuracy {validation} is above train accuracy {train} ({gap} points). "
        "This is normal with dropout or data augmentation: they are active only during "
        "training, and train accuracy is averaged over an epoch while the weights still "
        "improve."),
    "diagnosis.validation_above_train.knob": (
        "Nothing to fix. If the gap is large, the regularization may be stronger than needed."),
    "diagnosis.recall_spread.message": (
        "Recall differs a lot between classes: from {worst} ({worst_class}) to {best} "
        "({best_class}), a spread of {spread} points."),
    "diagnosis.recall_spread.knob": (
        "Read the confusion matrix and the most-confused pairs; add data or augmentation for "
        "the weak classes, or use class weights (train.class_weight = \"balanced\")."),
    "diagnosis.class_imbalance.message": (
        "The classes are imbalanced: '{largest}' has {largest_count} test images but "
        "'{smallest}' only {smallest_count} ({ratio}×), so accuracy mostly reflects the large "
        "classes."),
    "diagnosis.class_imbalance.knob": (
        "Judge the model by macro F1 and per-class recall, and use class weights "
        "(train.class_weight = \"balanced\") or oversample the small classes."),
    "diagnosis.dead_units.layer": "layer {layer}: {share} of units never activate",
    "diagnosis.dead_units.message": (
        "Dead ReLU units (output 0 for every sampled image): {layers}. Dead units no longer "
        "learn, so that capacity is wasted."),
    "diagnosis.dead_units.knob": (
        "Lower the learning rate, use He initialization (he_normal), or try LeakyReLU or GELU; "
        "batch normalization also helps."),
    "diagnosis.bn_lag.message": (
        "Train accuracy reached {train}, but validation accuracy was {first_validation} at "
        "epoch 1 and {validation} at the end: far below from the first epochs on, in a model "
        "with {layers} trainable batch-norm layers trained for only {steps} steps. This is not "
        "overfitting."),
    "diagnosis.bn_lag.cause": (
        "While training, batch normalization scales each batch by that batch's own mean and "
        "variance; validation, test and predict use moving averages instead, which move only "
        "{step_share} toward each new batch (momentum {momentum}). After {steps} steps they "
        "have not caught up with the weights (their starting values alone still weigh "
        "{start_share}), so at test time the network sees wrongly scaled activations."),
    "diagnosis.bn_lag.recalibrated": (
        "The statistics were recomputed after training (`visionlab recalibrate-bn`): test "
        "accuracy {before} → {after}. The curves still show the lagging ones."),
    "diagnosis.bn_lag.knob": (
        "Recompute the statistics exactly: set train.precise_bn = true (the default \"auto\" "
        "turns it on when it measures the lag), or fix this run without retraining with "
        "`visionlab recalibrate-bn RUN`. Or let the averages follow faster with a lower "
        "model.bn_momentum (for example 0.9), or give them more steps: more epochs or a "
        "smaller train.batch_size."),
    # Report.
    "status.completed": "completed",
    "status.running": "running",
    "status.interrupted": "interrupted",
    "status.failed": "failed",
    "report.title": "Training report",
    "report.contents": "Contents",
    "report.generated": "Generated by visionlab {version}",
    "section.header": "Overview",
    "section.diagnosis": "Diagnosis",
    "section.curves": "Learning curves",
    "section.confusion": "Confusion matrix and per-class metrics",
    "section.predictions": "Predictions on random test images",
    "section.top_losses": "Top losses (most confident mistakes)",
    "section.model": "Model",
    "section.config": "Resolved configuration",
    "section.data": "Data",
    "section.environment": "Environment",
    "section.timings": "Timings",
    "label.run": "Run",
    "label.status": "Status",
    "label.dataset": "Dataset",
    "label.model": "Model",
    "label.test_accuracy": "Test accuracy",
    "label.test_loss": "Test loss",
    "label.macro_f1": "Macro F1",
    "label.best_epoch": "Best epoch",
    "label.time": "Training time",
    "label.created": "Started",
    "label.finished": "Finished",
    "label.epochs": "Epochs",
    "label.class": "Class",
    "label.precision": "Precision",
    "label.recall": "Recall",
    "label.f1": "F1",
    "label.support": "Support",
    "label.actual": "Actual",
    "label.predicted": "Predicted",
    "label.count": "Count",
    "label.share_of_actual": "Share of actual class",
    "label.most_confused": "Most confused pairs",
    "label.per_class": "Precision, recall and F1 per class",
    "label.parameters": "Parameters",
    "label.trainable_parameters": "Trainable parameters",
    "label.source": "Source",
    "label.checksum": "Checksum",
    "label.image_shape": "Image shape",
    "label.classes": "Classes",
    "label.skipped": "Skipped files",
    "label.split": "Split",
    "label.images": "Images",
    "label.total": "Total",
    "label.seconds_per_epoch": "Seconds per epoch (mean)",
    "label.phase": "Phase",
    "label.key": "Key",
    "label.value": "Value",
    "label.loss": "Loss",
    "grid.caption": "Title: actual / predicted (probability). Green = right, red = wrong.",
    "grid.top_losses_caption": (
        "Title: actual / predicted (probability of the prediction); sorted by loss, largest "
        "first."),
    "note.no_images": (
        "No test images were given to the report, so this grid is skipped; reports written "
        "right after training include it."),
    "note.no_predictions": "This run has no predictions.npz (it was not evaluated on a test set).",
    "note.no_metrics": "This run has no metrics.json (it was not evaluated on a test set).",
    "note.no_history": "No epoch finished, so there are no learning curves.",
    "note.no_mistakes": "No test image was misclassified.",
    "note.no_confusions": "No two classes were confused.",
    "note.no_summary": "This run has no summary.txt.",
    "note.no_config": "This run has no config.toml.",
    "note.no_dataset": "run.json has no dataset summary.",
    "note.no_environment": "run.json records no environment.",
    # Comparison.
    "compare.title": "Run comparison",
    "compare.table": "Runs side by side",
    "compare.curves": "Curves",
    "compare.differences_note": (
        "Only the configuration keys whose values differ between runs are shown. Seed groups "
        "(the same configuration apart from the seed) show mean ± standard deviation."),
    "compare.no_differences": "All runs share the same configuration.",
    "compare.best": "Best {metric}",
    "compare.final": "Final {metric}",
    "compare.runs_count": "{count} runs",
    "compare.metric": "Metric",
    "compare.folders": "run folders",
    "compare.config_differences": "Configuration differences",
    # Figures: titles, axis labels and legends drawn inside the PNGs (short, to fit the plots).
    "figure.accuracy": "Accuracy",
    "figure.loss": "Loss",
    "figure.learning_rate": "Learning rate",
    "figure.learning_rate_legend": "learning rate",
    "figure.epoch": "epoch",
    "figure.train": "train",
    "figure.validation": "validation",
    "figure.best_epoch": "best {value} (epoch {epoch})",
    "figure.no_epochs": "no epochs recorded",
    "figure.metric.accuracy": "accuracy",
    "figure.metric.loss": "loss",
    "figure.metric.lr": "lr",
    "figure.metric.validation": "val {metric}",
    "figure.dashed_train": "{metric} (dashed: train {train_metric})",
    "figure.confusion_title": "Confusion matrix: {accuracy} correct of {total} images",
    "figure.predicted_class": "Predicted class",
    "figure.actual_class": "Actual class",
    "figure.share_of_actual": "share of the actual class",
    "figure.prediction_title": "{actual} / {predicted} ({probability})",
    # visionlab serve: the page at / and the reasons of refused requests.
    "serve.page.title": "Try the model {run}",
    "serve.page.model": "model",
    "serve.page.language": "Language",
    "serve.page.api_docs": "API docs",
    "serve.page.classes": "{count} classes",
    "serve.page.input": "Input: {height}×{width} px, {color_mode}",
    "serve.page.color_mode.rgb": "color",
    "serve.page.color_mode.grayscale": "grayscale",
    "serve.page.backend": "Backend: {backend}",
    "serve.page.choose": "Choose photos",
    "serve.page.drop": (
        "or drop them here: up to {limit} per request, {size} each. Photos stay in the "
        "server's memory and are never saved."),
    "serve.page.footer": "The same from a program:",
    "serve.page.waiting": "Predicting…",
    "serve.page.no_files": "No photo was chosen.",
    "serve.page.network_error": (
        "The server did not answer ({detail}). Is `visionlab serve` still running?"),
    "serve.page.http_error": "The server refused the photo ({status}).",
    "serve.error.not_multipart": (
        "Send the images as multipart/form-data in the field '{field}'; this request's "
        "Content-Type is '{content_type}'."),
    "serve.error.bad_multipart": (
        "The multipart body cannot be read ({detail}). Send the images as multipart/form-data "
        "in the field '{field}'."),
    "serve.error.no_files": (
        "No image was sent. Attach one or more image files in the multipart field '{field}'."),
    "serve.error.unexpected_field": (
        "Unexpected form field '{name}'. Send the images in the field '{field}'."),
    "serve.error.missing_filename": (
        "A part of the field '{field}' has no file name. Send each image as a file with its "
        "name."),
    "serve.error.bad_filename": (
        "The file name '{file}' is not allowed: send the file under its plain name, without "
        "folders ('/' or '\\'), control characters, '.' or '..'."),
    "serve.error.too_many_files": (
        "Too many files: at most {limit} images per request, and '{file}' is one more. Send "
        "the rest in another request."),
    "serve.error.file_too_large": (
        "'{file}' is larger than the limit of {limit} per file. Send a smaller image (or "
        "start the server with a larger --max-upload-mb)."),
    "serve.error.request_too_large": (
        "The request is {size}, more than the {limit} that {files} files of {per_file} can "
        "need. Send fewer or smaller images."),
    "serve.error.unknown_language": "Unknown language '{language}'; use one of: {choices}.",
    "serve.error.empty_file": "'{file}' is empty (0 bytes). Choose the image again.",
    "serve.error.not_an_image": (
        "'{file}' cannot be read as an image ({detail}). Send a JPEG, PNG, BMP, GIF, WebP or "
        "TIFF file."),
    "serve.error.truncated_image": "'{file}' is cut off ({detail}). Send the complete file.",
    "serve.error.corrupt_image": (
        "'{file}' holds damaged image data ({detail}). Send another copy of the image."),
    "serve.error.decompression_bomb": (
        "'{file}' declares too many pixels to decode safely ({detail}). Send a smaller image."),
}
