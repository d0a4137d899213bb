"""Texts of the TensorBoard-style curves in Traditional Chinese (zh-TW): the keys of ``curves.EN``."""

ZH_TW: dict[str, str] = {
    "curves.smoothing": "平滑化",
    "curves.smoothing_help": "TensorBoard 的平滑化：把到目前為止的 epoch 做指數移動平均（0 代表 Keras 印出來的原始數值；TensorBoard 預設是 0.6）。原始數值會以淡色留在平滑曲線後面。平滑後的曲線會落後：它的最低點比真正的最佳 epoch（星號）還晚出現。",
    "curves.log_scale": "對數刻度",
    "curves.log_scale_help": "損失軸改用對數刻度：每一格代表同樣的倍數（1 → 0.1 → 0.01），後期的小幅進步也看得清楚。",
    "dist.expander": "分布：各層的權重和偏差隨 epoch 的變化",
    "dist.title": "權重和偏差隨 epoch 的變化",
    "dist.caption": "和 TensorBoard 的分布（distributions）一樣：每個 Dense 層畫出數值的中位數（線），以及涵蓋 39 %、68 %、87 % 和 100 % 數值的色帶（越中間越深：±0.5σ、±1σ、±1.5σ、最小到最大）。在背景訓練時直接從真正的 Keras 模型上量測，這次訓練共量了 {count} 個 epoch。",
    "dist.before": "訓練跑完第一個 epoch 後，這裡就會出現分布圖。",
    "dist.none": "這次訓練沒有記錄權重（它是在這個畫面出現之前訓練的）。",
    "dist.hidden": "Dense 第 {index} 層{size}",
    "dist.output": "輸出層{size}",
    "dist.kernel": "{layer}：權重",
    "dist.bias": "{layer}：偏差",
    "dist.median": "中位數",
    "dist.min": "最小值",
    "dist.max": "最大值",
}
