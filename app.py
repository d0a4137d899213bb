"""DL Playground: the home page (course map). Run with ``streamlit run app.py``."""

import streamlit as st

from dlcore.lessons import LESSONS
from dlcore.text import t
from ui.frame import page_end, page_frame
from ui.pool import executor_notice, get_pool

lang = page_frame(None)
pool = get_pool()  # start the trainers warming up while the visitor reads

st.title(f"🧠 {t('app.title', lang)}")
st.markdown(t("app.tagline", lang))
st.markdown(t("home.intro", lang))
st.subheader(t("home.course_map", lang))
for number, lesson in enumerate(LESSONS, 1):
    title = f"{number}. {t(f'lesson.{lesson.slug}.title', lang)}"
    with st.container(border=True):
        if lesson.available:
            st.page_link(lesson.script, label=title, icon=lesson.icon)
        else:
            st.markdown(f"{lesson.icon} {title} {t('nav.soon', lang)}")
        st.caption(t(f"lesson.{lesson.slug}.summary", lang))
executor_notice(lang)  # a Dask cluster, when one is set up (and whether it answers)
stats = pool.stats()
st.caption(t("home.workers", lang, ready=stats["ready"], total=stats["workers"], busy=stats["busy"], pending=stats["pending"]))
page_end(lang)
