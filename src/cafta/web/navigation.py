"""The portal's menu: the pages, and which roles see each.

Public pages (``roles`` is ``None``) are for everyone, signed in or not: the engines are public
information tools. The others are items with the roles that may see them: declarations (traders,
brokers, officers, administrators), the brokers' authorities (one page, named for each role:
"Brokers" for a trader, the importer who gives them, "Authorities" for the others), the dashboard
(officers and administrators).
"""

from __future__ import annotations

from dataclasses import dataclass

from cafta.services.ports import Principal, Role
from cafta.web.i18n import N_

__all__ = ["MENU", "ROLE_LABELS", "MenuItem", "menu_for"]


@dataclass(frozen=True, slots=True)
class MenuItem:
    path: str
    label: str
    """An English msgid, translated by the template."""
    roles: frozenset[Role] | None = None
    """Who sees the item; ``None``: everyone."""

    def current(self, path: str) -> bool:
        """Whether a request for ``path`` is on this item's page or below it."""
        if self.path == "/":
            return path == "/"
        return path == self.path or path.startswith(self.path + "/")


MENU: tuple[MenuItem, ...] = (
    MenuItem("/", N_("Home")),
    MenuItem("/hs", N_("Find your product")),
    MenuItem("/tariff", N_("Tariff and duty")),
    MenuItem("/origin", N_("Origin check")),
    MenuItem("/certificates", N_("Certificate check")),
    MenuItem(
        "/declarations",
        N_("Declarations"),
        frozenset({Role.TRADER, Role.BROKER, Role.OFFICER, Role.ADMIN}),
    ),
    MenuItem("/representations", N_("Brokers"), frozenset({Role.TRADER})),
    MenuItem(
        "/representations", N_("Authorities"), frozenset({Role.BROKER, Role.OFFICER, Role.ADMIN})
    ),
    MenuItem("/dashboard", N_("Dashboard"), frozenset({Role.OFFICER, Role.ADMIN})),
)


ROLE_LABELS: dict[Role, str] = {
    Role.TRADER: N_("trader"),
    Role.BROKER: N_("customs broker"),
    Role.OFFICER: N_("customs officer"),
    Role.GATE: N_("gate operator"),
    Role.ADMIN: N_("administrator"),
}
"""The roles' names for the page header."""


def menu_for(principal: Principal | None) -> list[MenuItem]:
    """The items ``principal`` (``None``: a visitor who has not signed in) may see."""
    return [
        item
        for item in MENU
        if item.roles is None or (principal is not None and principal.role in item.roles)
    ]
