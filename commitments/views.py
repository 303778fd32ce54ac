from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView

from .models import Commitment


class CommitmentDetailView(LoginRequiredMixin, DetailView):
    """The page alert emails link to: the commitment, its obligations and deadline."""

    template_name = "commitments/commitment_detail.html"
    queryset = Commitment.objects.select_related("agreement", "current_deadline").prefetch_related("obligations__party")
