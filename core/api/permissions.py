from rest_framework.permissions import IsAuthenticated


class IsStaffUser(IsAuthenticated):
    pass
