"""schema.org ClaimReview for a claim page, so fact-check readers (search engines, researchers) get the
verdict as data. The numbers behind each rating are in the claim schema (x-rating-values)."""

from __future__ import annotations

from typing import Any

from compendium.model import Claim, Reference
from compendium.schemas import schema
from compendium.settings import SiteSettings


def claim_review(claim: Claim, reference: Reference, settings: SiteSettings, verdict_label: str) -> dict[str, Any]:
    """The claim's ClaimReview; verdict_label is the verdict in the compendium's words."""
    values: dict[str, int] = schema("claim")["$defs"]["rating"]["x-rating-values"]
    appearance: dict[str, Any] = {"@type": "CreativeWork", "name": str(reference.csl.get("title", reference.key))}
    if reference.link:
        appearance["url"] = reference.link
    author = {"@type": "Organization" if claim.claimant_kind == "organisation" else "Person", "name": claim.claimant}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.page_url(f"claims/{claim.id}"),
        "claimReviewed": claim.statement,
        "itemReviewed": {"@type": "Claim", "author": author, "appearance": appearance,
                         "datePublished": claim.date},
        "author": {"@type": "Organization", "name": settings.site_name, "url": settings.site_url},
        "reviewRating": {"@type": "Rating", "ratingValue": values[claim.rating], "bestRating": max(values.values()),
                         "worstRating": min(values.values()), "alternateName": verdict_label},
        "datePublished": claim.history[0].date,
        "dateModified": claim.history[-1].date,
    }
