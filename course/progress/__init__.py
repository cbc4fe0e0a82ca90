"""Where a reader is in the course: the lesson they last opened and the section they last
reached in it (``position``), and what the course home shows of it and of their progress
(``home``)."""
