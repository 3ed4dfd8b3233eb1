"""The hook ``crm.services.pipelines`` calls after a pipeline's stages changed (see crm.services.deals)."""

from .deals import pipeline_structure_changed

__all__ = ["pipeline_structure_changed"]
