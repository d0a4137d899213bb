"""The class board's numbers: leaderboard rows, the model in one line, the
class sweep's cells and heatmap, and the CSV of every run (no Streamlit).

A post points at a stored run (``dlcore.store.classes.BoardPost``); every
number here is read from that run's settings (``meta``) and its Keras
History, so the board and the student's page can never disagree.

* ``metrics``: what one run scored, in the board's units, its verdict and
  its model in one line.
* ``rows``: the board's rows, ranked into leaderboards, and their CSV.
* ``links``: the query parameters that reopen a run's setup, and the
  address of another page of the app.
* ``sweep``: the class sweep (controls, cells, the cell a run belongs to)
  and its heatmap.
"""
