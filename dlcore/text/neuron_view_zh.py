"""分類頁的「神經元視圖」（每個單元的輸出圖）與額外輸入特徵的文字，繁體中文。"""

ZH_TW: dict[str, str] = {
    "nv.header": "走進網路：每個神經元在算什麼",
    "nv.text": (
        "每個小方塊是一個單元在輸入平面上的輸出（橫軸 x₁、縱軸 x₂），由 worker 裡真正的 Keras 模型算出："
        "正值為藍色、負值為朱紅色，接近 0 為白色。"
        "連線是權重：正的藍色、負的朱紅色，|w| 越大線越粗。"
        "最右邊的輸出單元是模型的機率，也就是它的決策圖。"
    ),
    "nv.before": "訓練一個模型，就能看到它每個神經元在算什麼。",
    "nv.other_data": "神經元視圖顯示目前資料集上最近一次的訓練；請先訓練一次。",
    "nv.title_epoch": "第 {epoch} 個 epoch 時每個單元的輸出",
    "nv.col.input": "輸入",
    "nv.col.hidden": "隱藏層 {n}（{units}）",
    "nv.col.output": "輸出",
    "nv.hover.input": "輸入 {name}",
    "nv.hover.unit": "{layer}，單元 {unit}<br>偏差 {bias:.3f}",
    "nv.hover.output": "{layer}，輸出<br>偏差 {bias:.3f}",
    "nv.colorbar.p": "p（類別 1）",
    "nv.colorbar.out": "輸出",
    "nv.train": "訓練",
    "nv.valid": "驗證",
    "nv.unit": "仔細看一個單元",
    "nv.unit_help": "把這個單元的輸出圖放大，並列出進入它的權重和它的偏差。",
    "nv.unit.output": "輸出：機率",
    "nv.unit.hidden": "隱藏層 {n}，單元 {unit}（model.layers[{index}]）",
    "nv.unit.title": "model.layers[{index}]（{name}），單元 {unit}",
    "nv.unit.title_output": "model.layers[{index}]（{name}）：機率與資料點",
    "nv.unit.bias": "偏差 b = {bias:.4f}。這個單元計算 {act}(Σ wᵢ·輸入ᵢ + b)。",
    "nv.unit.scale": "顏色範圍是 ±{scale:.3g}，也就是這一層在平面上最大的輸出。",
    "nv.col.from": "來自",
    "nv.col.weight": "權重 w",
    "nv.epoch": "重播這次訓練：epoch",
    "nv.epoch_help": "訓練過程中 worker 保留的快照（最多 40 個）：那個 epoch 的輸出圖與決策邊界。",
    "nv.replay.boundary": "第 {epoch} 個 epoch 的決策邊界（較粗的網格）",
    "nv.features": "額外的輸入特徵（和 TensorFlow Playground 一樣）",
    "nv.features_help": "每個特徵都是由 x₁ 和 x₂ 算出的一個新欄位；每多一個特徵，模型就多一個輸入。",
    "nv.feature.x1sq": "x₁²",
    "nv.feature.x2sq": "x₂²",
    "nv.feature.x1x2": "x₁x₂",
    "nv.feature.sin1": "sin x₁",
    "nv.feature.sin2": "sin x₂",
}
