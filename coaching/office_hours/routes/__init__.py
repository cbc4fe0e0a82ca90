"""The office-hours pages; each module adds its routes to the coaching router
(``coaching.routes.base``), and ``coaching.routes`` imports them."""
