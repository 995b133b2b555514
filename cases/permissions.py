from wagtail.permission_policies import ModelPermissionPolicy


class CaseNeverDeletedPolicy(ModelPermissionPolicy):
    """Cases are never deleted from the admin, not even by a superuser: a deleted case would
    leave the statistics. 取下げ, retention and disclosure are the ways out (issue 29).
    Registered for the model in CasesConfig.ready (not through the viewset, which Wagtail 8
    deprecates)."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "delete"])

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)
