"""The compliance dashboard (Starlette + Jinja2). ``create_app`` lives in :mod:`.app`; importing this
package does not import Starlette."""
