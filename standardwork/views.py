from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roles import selectors as roles_selectors


@require_GET
@login_required
def my_standard_work(request):
    """Today's checklist. Until checklists are issued, the page shows the person's teams."""
    teams = roles_selectors.member_teams(user=request.user)
    return render(request, "standardwork/my_standard_work.html", {"teams": teams})
