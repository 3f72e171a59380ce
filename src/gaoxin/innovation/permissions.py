"""Who may do what in the innovation pillar (built on accounts.permissions).

The science office (科技和工业信息化局) is the zone's policy officers (政策专员), as for talents: they
register carriers and their tenants, R&D centres, postdoc stations, experts and technology contracts.
Leaders and the statistics office read every record; an enterprise reads the records that name it."""

from gaoxin.accounts.permissions import can_read_zone_totals, has_role, is_enterprise_user, is_system_admin
from gaoxin.accounts.roles import Role


def is_office(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.POLICY_OFFICER)


def can_view_all(user) -> bool:
    """Every carrier, tenant, station, expert and contract of the zone."""
    return is_office(user) or can_read_zone_totals(user)


def can_manage(user) -> bool:
    return is_office(user)


def can_view_pages(user) -> bool:
    return can_view_all(user) or is_enterprise_user(user)


RULES = {
    "innovation.view": can_view_all,
    "innovation.manage": can_manage,
}
