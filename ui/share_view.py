"""The sidebar's "Share this setup" section: the page's link with every
control's value, a QR code of it, and a large QR code for the projector."""

from __future__ import annotations

import streamlit as st

from dlcore.markup import md
from dlcore.share import is_local, lan_address, qr_svg, share_url, with_host
from dlcore.text import t

# The address students use when the app runs on this computer. A frame
# setting of the teacher's, drawn with plain st.text_input: it never enters
# the query string (so never the shared link).
HOST_KEY = "share_host"
LARGE_QR_WIDTH = 520  # pixels: with the link below it, fits a 1024×768 projector


def share_section(lang: str) -> None:
    """Draws the section in the sidebar. Call it after ``controls.end_run()``,
    when the query string holds this run's final values.

    Args:
        lang: The session's language code.
    """
    with st.sidebar.expander(t("share.title", lang), icon=":material/qr_code_2:"):
        page_url = st.context.url  # scheme, host, port and page path, without the query
        if page_url is None:  # the browser has not told the server yet
            st.caption(t("share.no_address", lang))
            return
        st.caption(t("share.intro", lang))
        url = _students_url(share_url(page_url, _query()), lang)
        st.code(url, language=None, wrap_lines=True)
        st.image(qr_svg(url), width="stretch", caption=t("share.scan", lang))
        if st.button(t("share.large", lang), key="share_qr_large", icon=":material/fullscreen:", width="stretch"):
            _large_qr(url, lang)


# The projector's large type is the teacher's screen setting, not part of the
# setup students open on their own screens; the workspace and the teacher key
# are private to one browser.
NOT_SHARED = ("projector", "ws", "teacher")


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params if key not in NOT_SHARED}


def _students_url(url: str, lang: str) -> str:
    """``url``, or on a local address, the same link on the address the
    teacher gives (prefilled with this computer's network address)."""
    if not is_local(url):
        return url
    st.caption(t("share.local_note", lang))
    if HOST_KEY not in st.session_state:
        st.session_state[HOST_KEY] = lan_address() or ""
    host = st.text_input(t("share.host", lang), key=HOST_KEY, help=t("share.host_help", lang), persist_state="session")
    if not host.strip():
        return url
    students = with_host(url, host)
    if students is None:
        st.warning(t("share.bad_host", lang, host=md(host)))
        return url
    return students


def _large_qr(url: str, lang: str) -> None:
    @st.dialog(t("share.dialog_title", lang), width="large")
    def show() -> None:
        st.caption(t("share.dialog_caption", lang))
        with st.container(horizontal_alignment="center"):
            st.image(qr_svg(url), width=LARGE_QR_WIDTH)
        st.code(url, language=None, wrap_lines=True)

    show()
