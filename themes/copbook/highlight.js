/* Not used by the copbook theme (no syntax highlighting or copy buttons); overrides mdBook's default so it is not shipped. */
