"""nbaray: the Phase 4 stage of an NBA player-points pipeline as a Ray batch job.

Importing nbaray starts no Ray and imports no google-cloud module.
"""

__version__ = "0.1.0"
