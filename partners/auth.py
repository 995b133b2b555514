from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Partners and advisors sign in to the portal with their e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # An empty password never signs anyone in, whatever the stored hash says.
        if not username or "@" not in username or not password:
            return None
        User = get_user_model()
        user = User._default_manager.filter(email__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
