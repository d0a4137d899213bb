"""The Traditional-Chinese (zh-TW) catalogue modules match their English ones.

For every pair (``dlcore/text/<page>.py`` EN, ``dlcore/text/<page>_zh.py``
ZH_TW): the same keys, the same ``{placeholders}`` with the same conversions
and format specs, texts that format with values of the right kind, the same
Markdown code spans, bold/italic markers and symbols, full-width punctuation
in Chinese sentences, and no Simplified characters or mainland terms.
"""

from __future__ import annotations

import importlib
import re
import string
import unicodedata
from collections import Counter

import pytest

PAIRS: list[tuple[str, str]] = [
    ("dlcore.text.common", "dlcore.text.common_zh"),
    ("dlcore.text.cluster", "dlcore.text.cluster_zh"),
    ("dlcore.text.wine", "dlcore.text.wine_zh"),
    ("dlcore.text.gradient_descent", "dlcore.text.gradient_descent_zh"),
    ("dlcore.text.upload", "dlcore.text.upload_zh"),
    ("dlcore.text.neuron", "dlcore.text.neuron_zh"),
    ("dlcore.text.activations", "dlcore.text.activations_zh"),
    ("dlcore.text.sgd", "dlcore.text.sgd_zh"),
    ("dlcore.text.optimizers", "dlcore.text.optimizers_zh"),
    ("dlcore.text.diagnosis", "dlcore.text.diagnosis_zh"),
    ("dlcore.text.overfitting", "dlcore.text.overfitting_zh"),
    ("dlcore.text.classification", "dlcore.text.classification_zh"),
    ("dlcore.text.presets", "dlcore.text.presets_zh"),
    ("dlcore.text.share", "dlcore.text.share_zh"),
    ("dlcore.text.budget", "dlcore.text.budget_zh"),
    ("dlcore.text.board", "dlcore.text.board_zh"),
    ("dlcore.text.store", "dlcore.text.store_zh"),
    ("dlcore.text.momentum", "dlcore.text.momentum_zh"),
    ("dlcore.text.curves", "dlcore.text.curves_zh"),
    ("dlcore.text.neuron_view", "dlcore.text.neuron_view_zh"),
    ("dlcore.text.pause", "dlcore.text.pause_zh"),
]

# Simplified forms whose Traditional form is a different character
# (Simplified → Traditional): 这這 们們 个個 为為 说說 时時 从從 数數 据據
# 习習 网網 络絡 层層 优優 应應 该該 设設 计計 权權 输輸 训訓 练練 验驗 证證
# 损損 预預 测測 后後 关關 于於 与與 对對 开開 发發 点點 图圖 线線 学學 过過
# 还還 将將 经經 让讓 样樣 单單 实實 处處 读讀 错錯 误誤 随隨 顺順 标標 类類
# 变變 杂雜 边邊 问問 题題 页頁 选選 择擇 项項 轮輪 传傳 导導 积積 资資 载載
# 转轉 换換 么麼 动動 态態 较較 确確 别別.
SIMPLIFIED = set(
    "这们个为说时从数据习网络层优应该设计权输训练验证损预测后关于与对开发点图线学过"
    "还将经让样单实处读错误随顺标类变杂边问题页选择项轮传导积资载转换么动态较确别"
)

# Mainland usages with a different Taiwanese word (mainland → Taiwan):
# 數據→資料, 程序→程式, 默認→預設, 信息→訊息, 質量→品質, 網絡→網路,
# 文件→檔案, 代碼→程式碼, 視頻→影片, 軟件→軟體, 用戶→使用者.
MAINLAND_TERMS = ["數據", "程序", "默認", "信息", "質量", "網絡", "文件", "代碼", "視頻", "軟件", "用戶"]

CJK = r"\u4e00-\u9fff"
# A half-width , ; : ! ? next to a Chinese character, or a sentence-ending
# half-width full stop after one, should be full-width (，；：！？。).
HALF_WIDTH_IN_CHINESE = re.compile(rf"[{CJK}][,;:!?]|[,;:!?]\s*[{CJK}]|[{CJK}]\.(?:\s|$)")
CODE_SPAN = re.compile(r"`[^`]*`")

INT_TYPES = set("bcdoxXn")
FLOAT_TYPES = set("eEfFgG%")


def _catalogues(en_module: str, zh_module: str) -> tuple[dict[str, str], dict[str, str]]:
    return importlib.import_module(en_module).EN, importlib.import_module(zh_module).ZH_TW


# A text str.format cannot parse (LaTeX with nested braces) is a literal:
# the page calls t() on it without values, so it is never formatted.
NOT_A_FORMAT = ("<not a format string>", None, "")


def _fields(text: str) -> Counter[tuple[str, str | None, str]]:
    """The replacement fields of ``text`` as (name, conversion, format spec)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return Counter([NOT_A_FORMAT])
    return Counter((name, conversion, spec or "") for _, name, spec, conversion in parsed if name is not None)


def _dummy(spec: str) -> object:
    """A value that a field with format spec ``spec`` accepts."""
    if not spec:
        return "text"
    if spec[-1] in INT_TYPES or spec[-1] in ",_":
        return 1234
    if spec[-1] in FLOAT_TYPES:
        return 1234.5
    return "text"


def _symbols(text: str) -> Counter[str]:
    """Emoji and other symbols (★, ✓, …) that must survive translation."""
    return Counter(c for c in text if unicodedata.category(c) == "So")


@pytest.fixture(params=PAIRS, ids=[zh.rsplit(".", 1)[1] for _, zh in PAIRS])
def pair(request: pytest.FixtureRequest) -> tuple[dict[str, str], dict[str, str]]:
    return _catalogues(*request.param)


def test_same_keys(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    en, zh = pair
    assert sorted(en.keys() - zh.keys()) == [], "untranslated keys"
    assert sorted(zh.keys() - en.keys()) == [], "keys that English does not have"


def test_same_placeholders(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    en, zh = pair
    for key in en.keys() & zh.keys():
        assert set(_fields(zh[key])) == set(_fields(en[key])), key


def test_formats_with_dummy_values(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    _, zh = pair
    for key, text in zh.items():
        if NOT_A_FORMAT in _fields(text):
            continue
        values = {name: _dummy(spec) for name, _, spec in _fields(text)}
        formatted = text.format(**values)
        assert "{" not in formatted.replace("%{", ""), key


def test_markdown_and_symbols_kept(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    en, zh = pair
    for key in en.keys() & zh.keys():
        assert CODE_SPAN.findall(zh[key]) == CODE_SPAN.findall(en[key]), f"{key}: code spans"
        assert zh[key].count("**") == en[key].count("**"), f"{key}: bold markers"
        assert zh[key].count("*") == en[key].count("*"), f"{key}: italic markers"
        assert zh[key].count("$") == en[key].count("$"), f"{key}: LaTeX"
        assert _symbols(zh[key]) == _symbols(en[key]), f"{key}: emoji and symbols"


def test_traditional_chinese_only(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    _, zh = pair
    for key, text in zh.items():
        assert not SIMPLIFIED & set(text), f"{key}: Simplified {sorted(SIMPLIFIED & set(text))}"
        assert not [term for term in MAINLAND_TERMS if term in text], f"{key}: mainland usage"


def test_full_width_punctuation(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    _, zh = pair
    for key, text in zh.items():
        prose = CODE_SPAN.sub("", text)
        assert not HALF_WIDTH_IN_CHINESE.search(prose), f"{key}: {HALF_WIDTH_IN_CHINESE.search(prose)}"


def test_sentences_are_translated(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    """English prose of four or more words must come back with Chinese in it."""
    en, zh = pair
    for key in en.keys() & zh.keys():
        words = re.findall(r"\b[a-z]{2,}\b", CODE_SPAN.sub("", en[key]))
        if len(words) >= 4:
            assert re.search(f"[{CJK}]", zh[key]), key


def test_simplified_list_is_not_traditional() -> None:
    """Guards the check above: none of the listed forms is its own Traditional form."""
    assert len(SIMPLIFIED) >= 40
    assert not SIMPLIFIED & set("這們個為說時從數據習網絡層優應該設計權輸訓練驗證損預測後關於與對開發點圖線學")


def test_merged_catalogue_has_the_translations() -> None:
    """The package merges the new modules without clashes, and ``t`` uses them."""
    from dlcore.text import CATALOGUES, t

    for en_module, zh_module in PAIRS:
        en, zh = _catalogues(en_module, zh_module)
        assert en.keys() <= CATALOGUES["zh-TW"].keys()
        assert all(CATALOGUES["zh-TW"][key] == text for key, text in zh.items())
    assert t("lesson.neuron.title", "zh-TW") == "神經元"
    assert t("train.progress", "zh-TW", epoch=3, epochs=10, seconds=1.25, eta="5 s") == "第 3/10 個 epoch · 1.2 秒 · 預計剩餘 5 s"


def _rendered_emphasis(text: str) -> tuple[int, int]:
    """How many bold and italic spans CommonMark (Streamlit's markdown dialect)
    makes of ``text``, its fields filled with dummy values."""
    from markdown_it import MarkdownIt

    if NOT_A_FORMAT not in _fields(text):
        text = text.format(**{name: _dummy(spec) for name, _, spec in _fields(text)})
    html = MarkdownIt("commonmark").render(text)
    return html.count("<strong>"), html.count("<em>")


def test_bold_and_italic_render_as_in_english(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    # CommonMark only closes ** after punctuation such as "：" when a space or
    # punctuation follows, so "**下一次訓練：**{data}" shows its asterisks.
    en, zh = pair
    for key in en.keys() & zh.keys():
        if "*" in en[key]:
            assert _rendered_emphasis(zh[key]) == _rendered_emphasis(en[key]), key
