"""Vietnamese messages (Tiếng Việt): the same keys and placeholders as `en.py`."""

MESSAGES: dict[str, str] = {
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
    "rule.bn_lag": "Thống kê batch norm chưa theo kịp trọng số",
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
    "diagnosis.bn_lag.message": (
        "Độ chính xác trên tập huấn luyện đạt {train}, nhưng trên tập kiểm định chỉ "
        "{first_validation} ở epoch 1 và {validation} ở epoch cuối: thấp hơn hẳn ngay từ những "
        "epoch đầu, với một mô hình có {layers} tầng batch norm được huấn luyện và chỉ "
        "{steps} bước cập nhật. Đây không phải là quá khớp (overfitting)."),
    "diagnosis.bn_lag.cause": (
        "Khi huấn luyện, batch normalization chuẩn hóa mỗi batch bằng trung bình và phương sai "
        "của chính batch đó; còn khi kiểm định, kiểm tra và dự đoán, nó dùng các trung bình "
        "trượt (moving average), mà mỗi batch mới chỉ kéo đi {step_share} (momentum "
        "{momentum}). Sau {steps} bước, các trung bình này vẫn chưa theo kịp trọng số (riêng "
        "giá trị khởi đầu vẫn chiếm {start_share}), nên lúc kiểm tra mạng nhận các kích hoạt "
        "bị chuẩn hóa sai tỉ lệ."),
    "diagnosis.bn_lag.recalibrated": (
        "Các thống kê đã được tính lại sau khi huấn luyện (`visionlab recalibrate-bn`): độ "
        "chính xác trên tập kiểm tra {before} → {after}. Các đường cong vẫn cho thấy thống kê "
        "cũ bị trễ."),
    "diagnosis.bn_lag.knob": (
        "Tính lại chính xác các thống kê: đặt train.precise_bn = true (mặc định \"auto\" tự "
        "bật khi đo thấy độ trễ), hoặc sửa lần chạy này mà không cần huấn luyện lại bằng "
        "`visionlab recalibrate-bn RUN`. Hoặc để các trung bình theo nhanh hơn bằng "
        "model.bn_momentum nhỏ hơn (ví dụ 0.9), hoặc cho chúng nhiều bước hơn: thêm epoch hay "
        "giảm train.batch_size."),
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
    # visionlab serve: trang / và lý do từ chối yêu cầu.
    "serve.page.title": "Thử mô hình {run}",
    "serve.page.model": "mô hình",
    "serve.page.language": "Ngôn ngữ",
    "serve.page.api_docs": "Tài liệu API",
    "serve.page.classes": "{count} lớp",
    "serve.page.input": "Đầu vào: {height}×{width} px, {color_mode}",
    "serve.page.color_mode.rgb": "ảnh màu",
    "serve.page.color_mode.grayscale": "ảnh xám",
    "serve.page.backend": "Backend: {backend}",
    "serve.page.choose": "Chọn ảnh",
    "serve.page.drop": (
        "hoặc kéo thả ảnh vào đây: tối đa {limit} ảnh mỗi lần gửi, mỗi ảnh tối đa {size}. Ảnh "
        "chỉ nằm trong bộ nhớ của máy chủ và không bao giờ được lưu lại."),
    "serve.page.footer": "Gọi từ chương trình:",
    "serve.page.waiting": "Đang dự đoán…",
    "serve.page.no_files": "Chưa chọn ảnh nào.",
    "serve.page.network_error": (
        "Máy chủ không phản hồi ({detail}). `visionlab serve` có còn đang chạy không?"),
    "serve.page.http_error": "Máy chủ từ chối ảnh ({status}).",
    "serve.error.not_multipart": (
        "Hãy gửi ảnh dưới dạng multipart/form-data trong trường '{field}'; Content-Type của "
        "yêu cầu này là '{content_type}'."),
    "serve.error.bad_multipart": (
        "Không đọc được nội dung multipart ({detail}). Hãy gửi ảnh dưới dạng "
        "multipart/form-data trong trường '{field}'."),
    "serve.error.no_files": (
        "Không có ảnh nào được gửi. Hãy đính kèm một hoặc nhiều tệp ảnh trong trường multipart "
        "'{field}'."),
    "serve.error.unexpected_field": (
        "Trường biểu mẫu '{name}' không hợp lệ. Hãy gửi ảnh trong trường '{field}'."),
    "serve.error.missing_filename": (
        "Một phần của trường '{field}' không có tên tệp. Hãy gửi mỗi ảnh dưới dạng tệp kèm tên "
        "của nó."),
    "serve.error.bad_filename": (
        "Tên tệp '{file}' không được chấp nhận: hãy gửi tệp với tên đơn giản, không chứa thư "
        "mục ('/' hoặc '\\'), ký tự điều khiển, '.' hay '..'."),
    "serve.error.too_many_files": (
        "Quá nhiều tệp: mỗi yêu cầu tối đa {limit} ảnh, và '{file}' là ảnh vượt quá. Hãy gửi "
        "phần còn lại trong một yêu cầu khác."),
    "serve.error.file_too_large": (
        "'{file}' lớn hơn giới hạn {limit} cho mỗi tệp. Hãy gửi ảnh nhỏ hơn (hoặc khởi động máy "
        "chủ với --max-upload-mb lớn hơn)."),
    "serve.error.request_too_large": (
        "Yêu cầu có kích thước {size}, vượt quá mức {limit} mà {files} tệp, mỗi tệp {per_file}, "
        "có thể cần. Hãy gửi ít ảnh hơn hoặc ảnh nhỏ hơn."),
    "serve.error.unknown_language": (
        "Không hỗ trợ ngôn ngữ '{language}'; hãy dùng một trong các ngôn ngữ: {choices}."),
    "serve.error.empty_file": "'{file}' là tệp rỗng (0 byte). Hãy chọn lại ảnh.",
    "serve.error.not_an_image": (
        "Không đọc được '{file}' như một ảnh ({detail}). Hãy gửi tệp JPEG, PNG, BMP, GIF, WebP "
        "hoặc TIFF."),
    "serve.error.truncated_image": "'{file}' bị cắt cụt ({detail}). Hãy gửi tệp đầy đủ.",
    "serve.error.corrupt_image": (
        "'{file}' chứa dữ liệu ảnh bị hỏng ({detail}). Hãy gửi một bản khác của ảnh."),
    "serve.error.decompression_bomb": (
        "'{file}' khai báo quá nhiều điểm ảnh để giải mã an toàn ({detail}). Hãy gửi ảnh nhỏ "
        "hơn."),
}
