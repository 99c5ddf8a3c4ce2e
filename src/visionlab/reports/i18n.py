"""Every user-facing string of the reports and the diagnosis, in English and Vietnamese.

Strings are `str.format` templates looked up by key. Both languages must hold exactly the same
keys with the same placeholders (a test checks this). Numbers are formatted per language:
Vietnamese writes a decimal comma ("96,0%").

Example:
    t("section.diagnosis", "vi")                      # "Chẩn đoán"
    t("diagnosis.plateau.knob", "en", patience=3, epochs=6)
"""

from __future__ import annotations

import math
from typing import Any

from visionlab.errors import ConfigError

LANGUAGES = ("en", "vi")

_EN: dict[str, str] = {
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
}

_VI: dict[str, str] = {
    "severity.info": "thông tin",
    "severity.warning": "cảnh báo",
    "severity.problem": "vấn đề",
    "rule.healthy": "Huấn luyện ổn",
    "rule.no_history": "Chưa có lịch sử",
    "rule.overfitting": "Quá khớp (overfitting)",
    "rule.underfitting": "Chưa khớp (underfitting)",
    "rule.learned_nothing": "Mô hình không học được gì",
    "rule.divergence": "Phân kỳ (divergence)",
    "rule.high_learning_rate": "Tốc độ học (learning rate) quá cao",
    "rule.plateau": "Chững lại (plateau)",
    "rule.validation_above_train": "Kiểm định cao hơn huấn luyện",
    "rule.recall_spread": "Các lớp chênh lệch",
    "rule.class_imbalance": "Mất cân bằng lớp",
    "rule.dead_units": "Nơ-ron ReLU chết",
    "diagnosis.knob_label": "Nên thử",
    "diagnosis.healthy.message": (
        "Quá trình huấn luyện có vẻ ổn: độ chính xác trên tập kiểm định ở epoch cuối là "
        "{validation} (cao nhất {best} ở epoch {best_epoch}), trên tập huấn luyện là {train}, "
        "chênh lệch {gap} điểm phần trăm."),
    "diagnosis.healthy.test": "Độ chính xác trên tập kiểm tra (test) là {test}.",
    "diagnosis.healthy.knob": (
        "Không có gì cần sửa gấp. Muốn tốt hơn nữa, hãy thử mô hình lớn hơn hoặc tăng cường dữ "
        "liệu (data augmentation) rồi so sánh các lần chạy bằng `visionlab compare`."),
    "diagnosis.no_history.message": "Chưa có epoch nào hoàn tất nên chưa có gì để chẩn đoán.",
    "diagnosis.no_history.knob": (
        "Hãy xem trạng thái của lần chạy; có thể chạy tiếp bằng "
        "`visionlab train --resume RUN`."),
    "diagnosis.overfitting.gap": (
        "Độ chính xác trên tập huấn luyện là {train} nhưng trên tập kiểm định chỉ {validation} "
        "ở epoch cuối: chênh nhau {gap} điểm phần trăm → mô hình bị quá khớp (overfitting)."),
    "diagnosis.overfitting.loss_rise": (
        "Từ epoch {epoch}, loss trên tập kiểm định tăng dần ({best_loss} → {final_loss}, "
        "+{rise}) trong khi loss trên tập huấn luyện vẫn giảm ({train_then} → {train_final}): "
        "mô hình bắt đầu học thuộc lòng tập huấn luyện."),
    "diagnosis.overfitting.knob": (
        "Thêm điều chuẩn (regularization): dropout, L2 cho trọng số, tăng cường dữ liệu; hoặc "
        "dùng thêm dữ liệu, dùng mô hình nhỏ hơn, hay dừng sớm (EarlyStopping với "
        "restore_best_weights)."),
    "diagnosis.underfitting.message": (
        "Độ chính xác trên tập huấn luyện ({train}) và tập kiểm định ({validation}) đều dưới "
        "{threshold} → mô hình chưa khớp (underfitting): nó còn chưa học tốt cả dữ "
        "liệu huấn luyện."),
    "diagnosis.underfitting.still_falling": (
        "Loss huấn luyện vẫn đang giảm ở cuối ({change} trong {epochs} epoch gần nhất), nên "
        "huấn luyện thêm epoch sẽ có ích."),
    "diagnosis.underfitting.flat": (
        "Loss huấn luyện đã đi ngang ({change} trong {epochs} epoch gần nhất): chỉ thêm epoch "
        "thì sẽ không cải thiện được."),
    "diagnosis.underfitting.knob": (
        "Tăng sức chứa của mô hình (thêm nơ-ron hoặc bộ lọc, thêm tầng, dùng CNN cho ảnh), huấn "
        "luyện lâu hơn, giảm điều chuẩn (dropout, L2) hoặc tăng tốc độ học (learning rate)."),
    "diagnosis.learned_nothing.message": (
        "Độ chính xác trên {which} là {accuracy}, chỉ ngang mức đoán ngẫu nhiên ({chance} với "
        "{num_classes} lớp): mô hình không học được gì."),
    "diagnosis.learned_nothing.majority": (
        "Chỉ cần luôn đoán lớp đông nhất cũng đã đạt {majority}."),
    "diagnosis.learned_nothing.one_class": (
        "Mô hình chỉ dự đoán {predicted} trong số {num_classes} lớp."),
    "diagnosis.learned_nothing.symmetry": (
        "Nguyên nhân kinh điển là khởi tạo trọng số bằng hằng số (toàn 0 hoặc toàn 1): các "
        "trọng số bắt đầu đối xứng, mọi nơ-ron trong một tầng nhận cùng một gradient nên chúng "
        "mãi giống hệt nhau, và cả tầng chỉ hoạt động như một nơ-ron duy nhất."),
    "diagnosis.learned_nothing.knob": (
        "Dùng khởi tạo ngẫu nhiên (glorot_uniform hoặc he_normal, mặc định của Keras), kiểm tra "
        "ảnh đã được chuẩn hóa và nhãn khớp với ảnh, và giảm tốc độ học 10 lần nếu loss bùng "
        "nổ."),
    "diagnosis.metric.accuracy": "Độ chính xác",
    "diagnosis.metric.loss": "Loss",
    "diagnosis.points": "{value} điểm phần trăm",
    "diagnosis.which.test": "tập kiểm tra (test)",
    "diagnosis.which.validation": "tập kiểm định",
    "diagnosis.which.train": "tập huấn luyện",
    "diagnosis.divergence.nan": "Giá trị {column} trở thành NaN hoặc vô cực ở epoch {epoch}.",
    "diagnosis.divergence.exploding": (
        "Loss huấn luyện bùng nổ: {first} ở epoch {first_epoch} → {peak} ở epoch {epoch} "
        "(lớn gấp {factor} lần)."),
    "diagnosis.divergence.knob": (
        "Giảm tốc độ học (learning rate) 3–10 lần, thêm cắt gradient (clipnorm=1.0), và kiểm "
        "tra ảnh đã được đưa về thang 0–1 và không có nhãn nào nằm ngoài phạm vi."),
    "diagnosis.high_learning_rate.message": (
        "Loss trên tập kiểm định dao động răng cưa: đổi chiều {reversals} lần trong {epochs} "
        "epoch, mỗi bước trung bình {step} so với mức của nó → tốc độ học (learning rate) "
        "nhiều khả năng đang quá cao."),
    "diagnosis.high_learning_rate.current": "Tốc độ học ở cuối quá trình là {learning_rate}.",
    "diagnosis.high_learning_rate.knob": (
        "Giảm tốc độ học 3–10 lần, hoặc dùng lịch giảm dần tốc độ học (cosine, "
        "ReduceLROnPlateau); tăng kích thước batch cũng giúp các bước cập nhật mượt hơn."),
    "diagnosis.plateau.message": (
        "{metric} trên tập kiểm định không cải thiện thêm quá {min_delta} kể từ epoch "
        "{since_epoch} ({since}; tốt nhất {best} ở epoch {best_epoch}): {epochs} epoch gần nhất "
        "quá trình học đã chững lại (plateau)."),
    "diagnosis.plateau.knob": (
        "Giảm tốc độ học khi mô hình chững lại (ReduceLROnPlateau, lịch cosine) hoặc dừng sớm "
        "(EarlyStopping, patience {patience}), như vậy đã tiết kiệm được {epochs} epoch."),
    "diagnosis.validation_above_train.message": (
        "Độ chính xác trên tập kiểm định ({validation}) cao hơn trên tập huấn luyện ({train}), "
        "chênh {gap} điểm phần trăm. Điều này bình thường khi có dropout hoặc tăng cường dữ "
        "liệu: chúng chỉ hoạt động lúc huấn luyện, và độ chính xác huấn luyện được lấy trung "
        "bình cả epoch trong lúc trọng số vẫn đang tốt dần lên."),
    "diagnosis.validation_above_train.knob": (
        "Không cần sửa gì. Nếu chênh lệch lớn, có thể điều chuẩn đang mạnh hơn mức cần thiết."),
    "diagnosis.recall_spread.message": (
        "Độ phủ (recall) chênh lệch nhiều giữa các lớp: từ {worst} ({worst_class}) đến {best} "
        "({best_class}), cách nhau {spread} điểm phần trăm."),
    "diagnosis.recall_spread.knob": (
        "Xem ma trận nhầm lẫn và các cặp lớp hay bị nhầm nhất; bổ sung dữ liệu hoặc tăng cường "
        "dữ liệu cho các lớp yếu, hoặc dùng trọng số lớp (train.class_weight = \"balanced\")."),
    "diagnosis.class_imbalance.message": (
        "Các lớp bị mất cân bằng: lớp '{largest}' có {largest_count} ảnh kiểm tra nhưng lớp "
        "'{smallest}' chỉ có {smallest_count} (gấp {ratio} lần), nên độ chính xác chủ yếu phản "
        "ánh các lớp đông."),
    "diagnosis.class_imbalance.knob": (
        "Hãy đánh giá mô hình bằng macro F1 và độ phủ (recall) từng lớp, dùng trọng số lớp "
        "(train.class_weight = \"balanced\") hoặc lấy mẫu lặp (oversampling) các lớp ít."),
    "diagnosis.dead_units.layer": "tầng {layer}: {share} nơ-ron không bao giờ kích hoạt",
    "diagnosis.dead_units.message": (
        "Có nơ-ron ReLU chết (đầu ra bằng 0 với mọi ảnh được lấy mẫu): {layers}. Nơ-ron chết "
        "không còn học được nữa, nên phần sức chứa đó bị lãng phí."),
    "diagnosis.dead_units.knob": (
        "Giảm tốc độ học, dùng khởi tạo He (he_normal), hoặc thử LeakyReLU hay GELU; chuẩn hóa "
        "theo batch (batch normalization) cũng có ích."),
    "status.completed": "hoàn tất",
    "status.running": "đang chạy",
    "status.interrupted": "bị ngắt giữa chừng",
    "status.failed": "thất bại",
    "report.title": "Báo cáo huấn luyện",
    "report.contents": "Mục lục",
    "report.generated": "Tạo bởi visionlab {version}",
    "section.header": "Tổng quan",
    "section.diagnosis": "Chẩn đoán",
    "section.curves": "Đường cong học",
    "section.confusion": "Ma trận nhầm lẫn và chỉ số từng lớp",
    "section.predictions": "Dự đoán trên ảnh kiểm tra ngẫu nhiên",
    "section.top_losses": "Loss cao nhất (những lần sai mà mô hình tự tin nhất)",
    "section.model": "Mô hình",
    "section.config": "Cấu hình đầy đủ",
    "section.data": "Dữ liệu",
    "section.environment": "Môi trường",
    "section.timings": "Thời gian",
    "label.run": "Lần chạy",
    "label.status": "Trạng thái",
    "label.dataset": "Bộ dữ liệu",
    "label.model": "Mô hình",
    "label.test_accuracy": "Độ chính xác (test)",
    "label.test_loss": "Loss (test)",
    "label.macro_f1": "Macro F1",
    "label.best_epoch": "Epoch tốt nhất",
    "label.time": "Thời gian huấn luyện",
    "label.created": "Bắt đầu",
    "label.finished": "Kết thúc",
    "label.epochs": "Số epoch",
    "label.class": "Lớp",
    "label.precision": "Precision",
    "label.recall": "Recall (độ phủ)",
    "label.f1": "F1",
    "label.support": "Số mẫu",
    "label.actual": "Thực tế",
    "label.predicted": "Dự đoán",
    "label.count": "Số lượng",
    "label.share_of_actual": "Tỉ lệ trong lớp thực tế",
    "label.most_confused": "Các cặp lớp hay bị nhầm nhất",
    "label.per_class": "Precision, recall và F1 của từng lớp",
    "label.parameters": "Số tham số",
    "label.trainable_parameters": "Số tham số huấn luyện được",
    "label.source": "Nguồn",
    "label.checksum": "Mã kiểm tra (checksum)",
    "label.image_shape": "Kích thước ảnh",
    "label.classes": "Các lớp",
    "label.skipped": "Tệp bị bỏ qua",
    "label.split": "Tập",
    "label.images": "Số ảnh",
    "label.total": "Tổng",
    "label.seconds_per_epoch": "Số giây mỗi epoch (trung bình)",
    "label.phase": "Giai đoạn",
    "label.key": "Khóa",
    "label.value": "Giá trị",
    "label.loss": "Loss",
    "grid.caption": (
        "Tiêu đề: thực tế / dự đoán (xác suất). Xanh lá = đúng, đỏ = sai."),
    "grid.top_losses_caption": (
        "Tiêu đề: thực tế / dự đoán (xác suất của dự đoán); xếp theo loss, lớn nhất trước."),
    "note.no_images": (
        "Báo cáo không được cung cấp ảnh kiểm tra nên bỏ qua lưới ảnh này; báo cáo tạo ngay sau "
        "khi huấn luyện sẽ có đủ."),
    "note.no_predictions": (
        "Lần chạy này không có predictions.npz (chưa được đánh giá trên tập kiểm tra)."),
    "note.no_metrics": (
        "Lần chạy này không có metrics.json (chưa được đánh giá trên tập kiểm tra)."),
    "note.no_history": "Chưa có epoch nào hoàn tất nên chưa có đường cong học.",
    "note.no_mistakes": "Không có ảnh kiểm tra nào bị phân loại sai.",
    "note.no_confusions": "Không có cặp lớp nào bị nhầm lẫn.",
    "note.no_summary": "Lần chạy này không có summary.txt.",
    "note.no_config": "Lần chạy này không có config.toml.",
    "note.no_dataset": "run.json không có phần tóm tắt bộ dữ liệu.",
    "note.no_environment": "run.json không ghi lại môi trường chạy.",
    "compare.title": "So sánh các lần chạy",
    "compare.table": "Các lần chạy cạnh nhau",
    "compare.curves": "Đường cong",
    "compare.differences_note": (
        "Chỉ hiển thị các khóa cấu hình có giá trị khác nhau giữa các lần chạy. Các nhóm chỉ "
        "khác nhau ở seed được gộp lại và hiển thị trung bình ± độ lệch chuẩn."),
    "compare.no_differences": "Mọi lần chạy có cùng một cấu hình.",
    "compare.best": "{metric} tốt nhất",
    "compare.final": "{metric} cuối cùng",
    "compare.runs_count": "{count} lần chạy",
    "compare.metric": "Chỉ số",
    "compare.folders": "thư mục lần chạy",
    "compare.config_differences": "Khác biệt cấu hình",
    "figure.accuracy": "Độ chính xác",
    "figure.loss": "Loss",
    "figure.learning_rate": "Tốc độ học (learning rate)",
    "figure.learning_rate_legend": "tốc độ học",
    "figure.epoch": "epoch",
    "figure.train": "huấn luyện",
    "figure.validation": "kiểm định",
    "figure.best_epoch": "tốt nhất {value} (epoch {epoch})",
    "figure.no_epochs": "chưa có epoch nào",
    "figure.metric.accuracy": "độ chính xác",
    "figure.metric.loss": "loss",
    "figure.metric.lr": "tốc độ học",
    "figure.metric.validation": "{metric} (kiểm định)",
    "figure.dashed_train": "{metric} – nét đứt: {train_metric} trên tập huấn luyện",
    "figure.confusion_title": "Ma trận nhầm lẫn: đúng {accuracy} trên {total} ảnh",
    "figure.predicted_class": "Lớp dự đoán",
    "figure.actual_class": "Lớp thực tế",
    "figure.share_of_actual": "tỉ lệ trong lớp thực tế",
    "figure.prediction_title": "{actual} / {predicted} ({probability})",
}

MESSAGES: dict[str, dict[str, str]] = {"en": _EN, "vi": _VI}


def check_language(lang: str) -> str:
    """Return `lang` if reports can be written in it, else raise ConfigError naming the choices."""
    if lang not in MESSAGES:
        raise ConfigError(
            f"Unknown report language '{lang}'. Choose one of: {', '.join(LANGUAGES)} "
            "(for example --lang vi)."
        )
    return lang


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """Return the `lang` text for `key`, formatted with `fmt`.

    Args:
        key: message key, for example `"section.diagnosis"`.
        lang: `"en"` or `"vi"`. Defaults to `"en"`.
        **fmt: values for the template's `{placeholders}`.

    Raises:
        ConfigError: `lang` is not a supported language.
        KeyError: `key` is not a known message (a bug in visionlab).
    """
    template = MESSAGES[check_language(lang)][key]
    return template.format(**fmt) if fmt else template


def format_number(value: float | None, lang: str = "en", digits: int = 4) -> str:
    """Format a float with `digits` significant digits and the language's decimal mark.

    Missing values (None, NaN) read "–".

    Example:
        format_number(0.23456, "vi")  # "0,2346"
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.{digits}g}"
    return decimal_mark(text, lang)


def format_decimal(value: float | None, lang: str = "en", digits: int = 3) -> str:
    """Format a float with `digits` decimals, `0.8 -> "0.800"` (Vietnamese: "0,800")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return decimal_mark(f"{value:.{digits}f}", lang)


def format_percent(value: float | None, lang: str = "en", digits: int = 1) -> str:
    """Format a fraction as a percentage, `0.96 -> "96.0%"` (Vietnamese: "96,0%")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return decimal_mark(f"{100 * value:.{digits}f}%", lang)


def format_points(value: float, lang: str = "en", digits: int = 1) -> str:
    """Format a difference of two fractions in percentage points, `0.039 -> "3.9"`."""
    return decimal_mark(f"{100 * value:.{digits}f}", lang)


def format_count(value: int | None, lang: str = "en") -> str:
    """Format an integer with thousands separators, `60000 -> "60,000"` (Vietnamese: "60.000")."""
    if value is None:
        return "–"
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_seconds(seconds: float | None, lang: str = "en") -> str:
    """Format a duration as `"1 h 02 min"`, `"3 min 05 s"` or `"12.3 s"`."""
    if seconds is None or (isinstance(seconds, float) and not math.isfinite(seconds)):
        return "–"
    seconds = float(seconds)
    if seconds < 60:
        return decimal_mark(f"{seconds:.1f} s", lang)
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def decimal_mark(text: str, lang: str) -> str:
    """Swap the decimal point of already formatted `text` for the language's mark.

    Example:
        decimal_mark("0.25", "vi")  # "0,25"
    """
    return text.replace(".", ",") if lang == "vi" else text
