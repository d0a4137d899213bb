"""The class board (``/class``): the teacher's view of a class's runs."""
