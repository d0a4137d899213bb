"""Texts of the momentum map on the optimizer page in Traditional Chinese (zh-TW): the keys of ``momentum.EN``."""

ZH_TW: dict[str, str] = {
    "momentum.title": "為什麼動量有用：(η, β) 的地圖",
    "momentum.intro": (
        "在課程的 f(x) = 5x² − 2x + 4 上，Keras 的 `SGD(learning_rate=η, momentum=β)` 先更新速度 "
        "v ← β·v − η·f′(x)，再更新 x ← x + v。對這個碗來說，誤差 x − 0.2 和 v 遵守同一條線性規則，"
        "由兩個數字（λ² − (1 + β − 10η)λ + β = 0 的根 λ）決定怎麼走：誤差會像 max|λ|ᵗ 一樣縮小。"
        "**點一下地圖**來選 η 和 β；下面的路徑是真正的 Keras 優化器走出來的。"
    ),
    "momentum.lr": "學習率 η",
    "momentum.beta": "動量 β",
    "momentum.x0": "起點 x₀",
    "momentum.steps": "步數",
    "momentum.map.title": "帶動量的 SGD 在 f(x) = 5x² − 2x + 4 上的收斂速率 max|λ|",
    "momentum.map.rate": "速率 max|λ|",
    "momentum.map.eta_axis": "學習率 η",
    "momentum.map.beta_axis": "動量 β",
    "momentum.map.critical": "臨界阻尼（每個 η 最快的 β）",
    "momentum.map.edge": "穩定邊界 η = 0.2(1 + β)",
    "momentum.map.chosen": "選擇的 η = {eta}，β = {beta}",
    "momentum.map.help": (
        "深色代表快，黃色代表慢，灰色代表發散。沒有動量時（β = 0），η 超過 0.2 就會發散；"
        "加上動量後，直到 η = 0.2(1 + β) 都還是穩定的。在兩條虛線之間，根是複數，"
        "球會以 √β 的速率盤旋著靠近最小值，和 η 無關。"
    ),
    "momentum.region.monotone": "單調",
    "momentum.region.oscillating": "振盪",
    "momentum.region.alternating": "正負交替",
    "momentum.region.diverging": "發散",
    "momentum.verdict": "η = {eta}，β = {beta}：**{region}**，速率 max|λ| = {rate}（λ = {roots}）。{detail}",
    "momentum.verdict.monotone": "實數、正的根：路徑從同一側直直走進來，從不越過 0.2。",
    "momentum.verdict.oscillating": "複數根：就像碗裡的球，路徑會滾過最小值再滾回來，每次擺盪縮小為 √β 倍。",
    "momentum.verdict.alternating": "負的實數根主導：路徑每一步都跳到最小值的另一側。",
    "momentum.verdict.diverging": "max|λ| ≥ 1：每次擺盪都比上一次大，路徑會離開這個碗。",
    "momentum.walk.caption": (
        "路徑：在背景行程中把 `keras.optimizers.SGD(learning_rate={eta}, momentum={beta})` "
        "套用到一個 `tf.Variable`，從 x₀ = {x0} 出發。"
    ),
    "momentum.walk.title": "SGD(learning_rate={eta}, momentum={beta}) 在 f(x) = 5x² − 2x + 4 上的路徑",
    "momentum.error.title": "和最小值的距離：Keras 對照公式解",
    "momentum.error.keras": "|x − x*|（Keras）",
    "momentum.error.rate": "公式解：|x₀ − x*|·{rate}ᵗ",
    # The race's arrows
    "race.arrows": "畫出箭頭的優化器",
    "race.arrows.none": "不畫箭頭",
    "race.arrows_help": (
        "這個優化器的每一步：梯度步伐 −η∇f（普通梯度下降會走到的地方），以及在 `apply_gradients` 之後，"
        "從 Keras 優化器自己的動量變數讀出的速度 v。"
    ),
    "race.arrows.gradient": "−η∇f（梯度步伐）",
    "race.arrows.velocity": "速度 v（Keras 的動量變數）",
    "race.arrows.adam_velocity": "−η·m（Adam 的一階動差 m，Keras 變數）",
    "race.arrows.caption": (
        "箭頭依照 x（和 y）的實際比例畫出，從這一步的起點出發。速度是 `{variable}` 在每次 "
        "`apply_gradients` 之後的值，不是重新算出來的。"
    ),
    "race.pick_start": "點一下圖表來選起點（也可以用滑桿）。",
}
