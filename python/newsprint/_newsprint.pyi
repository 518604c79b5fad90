"""The native core; use :func:`newsprint.process`, which checks the arguments."""

from typing import Any, List, Optional, Tuple

SCHEMA_VERSION: int
__version__: str

def process(
    texts: Any,
    sources: List[str],
    published: List[Optional[str]],
    threads: Optional[int],
    encoding: Optional[str],
    published_date: Optional[str],
    drop: List[Tuple[str, str]],
    no_builtin_drop: bool,
    entities: str,
) -> List[Tuple[str, Any]]: ...
