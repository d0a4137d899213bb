"""Streamlit-side helpers shared by the pages: frame, panel, live job view.

Only this package and the page scripts import ``streamlit``; they lay out
widgets and call ``dlcore`` for everything else.
"""
