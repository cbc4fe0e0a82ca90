"""A small LTI 1.3 platform of its own: the local LMS used by ``kurswerk demo`` and tests.

It is the independent peer our launch is tested against, so it shares no code with
``lti/``: its own RSA key (``keys``), its own OIDC auth endpoint and id_token
(``oidc``), its own token endpoint (``token``), its people and course (``config``), and
an LMS-like course page that embeds the tool in a cross-site iframe (``app``).
``demo`` wires it to the tool for ``kurswerk demo``. Never mounted in production.
"""
