"""Hypothesis: the container facts a template shares with earlier ones (by identity or by what they read) are
those derived afresh."""

from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.scheduler import podinfo
from kdsl.model.pods import Container, PodTemplate, Port, Resources

# few values, so that templates often meet others alike in all but one of the facts' inputs
CPUS = st.sampled_from([None, 100, 700])
MEMS = st.sampled_from([None, 2**28])


@st.composite
def containers(draw, prefix):
    return tuple(Container(name=draw(st.sampled_from([f"{prefix}0", f"{prefix}1"])),
                           image=draw(st.sampled_from(["x:1", "x"])),
                           ports=tuple(Port(number=80, host_port=p) for p in draw(st.sampled_from([(), (80,)]))),
                           restart_policy=draw(st.sampled_from([None, "Always"])),
                           requests=Resources(cpu=draw(CPUS), memory=draw(MEMS), ephemeral_storage=draw(st.sampled_from([None, 1]))))
                 for _ in range(draw(st.integers(1, 2))))


def _fresh(tpl: PodTemplate) -> tuple:
    nz = podinfo.pod_requests(tpl, non_zero=True)
    return (podinfo.pod_requests(tpl), (nz[0], nz[1]),
            tuple(sorted({(p.protocol, p.host_port) for c in tpl.containers for p in c.ports if p.host_port})),
            tuple(podinfo.normalized_image(c.image) for c in (*tpl.init_containers, *tpl.containers)))


@given(st.lists(st.tuples(containers("c"), st.one_of(st.just(()), containers("i"))), min_size=1, max_size=8))
def test_shared_container_facts_are_those_derived_afresh(templates):
    # the caches live across examples too: every template here may meet facts another one left
    for app, init in templates:
        tpl = PodTemplate(containers=app, init_containers=init)
        assert podinfo._container_facts(tpl) == _fresh(tpl)
        assert podinfo._container_facts(tpl) == _fresh(tpl)  # now from the identity cache


def test_templates_that_differ_only_in_container_names_share_their_facts():
    one = PodTemplate(containers=(Container(name="a", image="x:1", requests=Resources(cpu=100)),))
    other = PodTemplate(containers=(Container(name="b", image="x:1", requests=Resources(cpu=100)),))
    bigger = PodTemplate(containers=(Container(name="b", image="x:1", requests=Resources(cpu=200)),))
    assert podinfo._container_facts(one) is podinfo._container_facts(other)
    assert podinfo._container_facts(bigger)[0] == (200, 0, 0)


def test_an_init_container_is_not_taken_for_an_app_container_alike():
    a = Container(name="a", image="x:1", requests=Resources(cpu=100))
    b = Container(name="b", image="x:1", requests=Resources(cpu=300))
    both = PodTemplate(containers=(a, b))
    first = PodTemplate(init_containers=(a,), containers=(b,))
    assert podinfo._container_facts(both)[0] == (400, 0, 0)
    assert podinfo._container_facts(first)[0] == (300, 0, 0)  # the init step's 100 comes before, not beside
