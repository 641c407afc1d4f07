"""Infrastructure under the domain: value classes, GC pauses, safe writes, user paths, cache."""
