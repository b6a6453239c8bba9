"""What every layer shares and that imports nothing of kdsl's: values, spans, diagnostics, errors."""
