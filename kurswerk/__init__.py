"""Kurswerk, an LTI 1.3 tool: the shell's core (``kurswerk.core``) and the composition root
(the app factory ``kurswerk.app``, the command line ``kurswerk.cli``, the worker and the
wiring, the LMS simulator ``kurswerk.devplatform``). The domains are ``lti``, ``course``,
``coaching``, ``uploads`` and ``feedback``, each mounted by ``kurswerk.app.create_app``.
"""
