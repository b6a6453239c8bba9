"""`kdsl run` shows Services and, with `--route`, where a request goes (docs/networking.md)."""

from __future__ import annotations

from kdsl.cli import main

SCENARIO = """
node n1 cpu=4 memory=8Gi
namespace shop {
  pod web-1 image=nginx:1.25 { labels app=web }
  service web loadbalancer selects app=web ports 80->8080:30080
  ingress gw { rule shop.example.com /api -> web:80 }
}
"""


def test_run_prints_services_and_routes(tmp_path, capsys):
    f = tmp_path / "s.kdsl"
    f.write_text(SCENARIO)
    assert main(["run", str(f), "--route", "shop.example.com/api/x", "--route", "shop.example.com/"]) == 0
    out = capsys.readouterr().out
    row = next(ln.split() for ln in out.splitlines() if ln.startswith("shop") and "LoadBalancer" in ln)
    assert row[:3] == ["shop", "web", "LoadBalancer"] and row[4:6] == ["<pending>", "80:30080/TCP"]
    assert row[3].startswith("10.")
    assert ("route shop.example.com/api/x -> shop/web:80\n"
            "  via ingress shop/gw rule shop.example.com /api (Prefix) -> web:80\n"
            "  shop/web-1  10.244.0.2:8080  n1  100.0%\n") in out
    assert ("route shop.example.com/ -> none: no ingress rule matches shop.example.com/ and no ingress has a "
            "default backend (404)\n") in out
