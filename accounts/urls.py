from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.language, name="language"),
    # shadows allauth's /accounts/email/ (same URL, matched first)
    path("email/", views.email_managed, name="email"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team-invite"),
    path("team/<int:pk>/", views.team_member, name="team-member"),
    path("team/<int:pk>/roles/", views.team_member_roles, name="team-member-roles"),
    path("team/<int:pk>/deactivate/", views.team_member_deactivate, name="team-member-deactivate"),
    path("team/<int:pk>/reactivate/", views.team_member_reactivate, name="team-member-reactivate"),
    path("team/<int:pk>/resend-invitation/", views.team_member_resend, name="team-member-resend"),
]
