"""The outbox: emails and LMS calls written with the change that causes them (``queue``,
``models``), delivered later with retries by the worker (``delivery``, ``worker``)."""
