"""The LTI pages: the launch (login, launch and the hops between), the key set, dynamic
registration, and the pages inside a course (``course``)."""
