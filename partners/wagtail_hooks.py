from wagtail import hooks

from .viewsets import PartnersGroup


@hooks.register("register_admin_viewset")
def register_partner_viewsets():
    return PartnersGroup()
