"""The networks of the re-simulation test matrix. Each function builds a network,
calls ``brian2nwb.snapshot``, runs it and returns it."""

from __future__ import annotations

import numpy as np
from brian2 import (
    Clock,
    Cylinder,
    EventMonitor,
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    PopulationRateMonitor,
    Section,
    Soma,
    SpatialNeuron,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    TimedArray,
    cm,
    defaultclock,
    linked_var,
    msiemens,
    mV,
    ms,
    nA,
    nS,
    ohm,
    pF,
    prefs,
    seed,
    siemens,
    start_scope,
    uF,
    um,
)

import brian2nwb


def ei_random() -> Network:
    """Random-connectivity E/I network (COBA-like) with subgroups and random initial values."""
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Ee, Ei, El = 0 * mV, -80 * mV, -60 * mV
    eqs = """dv/dt = (gl * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / C : volt (unless refractory)
             dge/dt = -ge / taue : siemens
             dgi/dt = -gi / taui : siemens
             gl : siemens (constant)"""
    group = NeuronGroup(200, eqs, threshold="v > -50 * mV", reset="v = -60 * mV", refractory=5 * ms,
                        method="euler", namespace={"C": 200 * pF}, name="neurons")
    group.v = "El + rand() * 15 * mV"
    group.gl = "10 * nS + rand() * nS"
    exc, inh = group[:160], group[160:]
    drive = PoissonGroup(40, 40 * Hz, name="drive")
    ff = Synapses(drive, group, "w : siemens", on_pre="ge += w", name="ff")
    ff.connect(p=0.2)
    ff.w = "rand() * 3 * nS"
    ee = Synapses(exc, group, on_pre="ge += 1.5 * nS", name="ee")
    ee.connect(p=0.05)
    ii = Synapses(inh, group, on_pre="gi += 4 * nS", delay=0.5 * ms, name="ii")
    ii.connect(p=0.1)
    net = Network(group, drive, ff, ee, ii, SpikeMonitor(group, name="spikes"),
                  SpikeMonitor(exc, name="exc_spikes"), SpikeMonitor(drive, name="drive_spikes"),
                  StateMonitor(group, "v", record=[0, 170], name="trace"))
    brian2nwb.snapshot(net, seed=101)
    net.run(80 * ms)
    return net


def stdp() -> Network:
    """Event-driven pre/post STDP (Song, Miller & Abbott 2000) driven by Poisson input."""
    taupre = taupost = 20 * ms
    wmax, Apre = 0.01, 0.01
    Apost = -Apre * taupre / taupost * 1.05
    inputs = PoissonGroup(100, rates=30 * Hz, name="inputs")
    neurons = NeuronGroup(2, "dv/dt = (ge * (0 * mV - v) + (-74 * mV - v)) / (10 * ms) : volt\n"
                             "dge/dt = -ge / (5 * ms) : 1",
                          threshold="v > -54 * mV", reset="v = -60 * mV", method="euler", name="post")
    neurons.v = -74 * mV
    stdp_syn = Synapses(inputs, neurons,
                        """w : 1
                           dapre/dt = -apre / taupre : 1 (event-driven)
                           dapost/dt = -apost / taupost : 1 (event-driven)""",
                        on_pre="""ge += w
                                  apre += Apre
                                  w = clip(w + apost, 0, wmax)""",
                        on_post="""apost += Apost
                                   w = clip(w + apre, 0, wmax)""", name="stdp")
    stdp_syn.connect()
    stdp_syn.w = "rand() * wmax"
    net = Network(inputs, neurons, stdp_syn, SpikeMonitor(neurons, name="post_spikes"),
                  SpikeMonitor(inputs, name="input_spikes"))
    brian2nwb.snapshot(net, seed=7)
    net.run(300 * ms)
    return net


def sparse_poisson_input() -> Network:
    """A sparse network driven by PoissonInput, with a scalar and heterogeneous delays."""
    group = NeuronGroup(300, "dv/dt = -v / (10 * ms) : volt", threshold="v > 10 * mV", reset="v = 0 * mV",
                        method="exact", name="sparse")
    external = PoissonInput(group, "v", 50, 25 * Hz, weight=0.8 * mV)
    recurrent = Synapses(group, group, on_pre="v_post += 0.4 * mV", delay=2 * ms, name="recurrent")
    recurrent.connect(p=0.02)
    slow = Synapses(group, group, "w : volt", on_pre="v_post += w", name="slow")
    slow.connect(p=0.01)
    slow.w = 0.8 * mV
    slow.delay = "1 * ms + rand() * 4 * ms"
    net = Network(group, external, recurrent, slow, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=3)
    net.run(100 * ms)
    return net


def sde() -> Network:
    """Stochastic differential equations with a non-default method and noise in the reset."""
    group = NeuronGroup(50, """dv/dt = (mu - v) / tau + sigma * xi / sqrt(tau) : 1
                               mu : 1""",
                        threshold="v > 1", reset="v = 0.1 * rand()", method="heun", name="noisy")
    group.mu = "0.8 + 0.4 * i / N"
    net = Network(group, SpikeMonitor(group, variables="v", name="spikes"),
                  StateMonitor(group, "v", record=[0, 1], name="trace"))
    brian2nwb.snapshot(net, seed=11)
    net.run(100 * ms, namespace={"tau": 10 * ms, "sigma": 0.3})
    return net


def kitchen_sink() -> Network:
    """SpikeGeneratorGroup with period, 1-D and 2-D TimedArrays, heterogeneous delays, two pathways,
    a summed variable, run_regularly, a custom event (with code, an EventMonitor and a pathway on it), a linked
    variable and a named clock."""
    slow_clock = Clock(dt=0.5 * ms, name="slow_clock")
    drive = TimedArray(np.r_[np.zeros(10), np.linspace(0, 1.5, 40), np.ones(50)], dt=1 * ms)
    pattern = TimedArray(np.random.default_rng(0).uniform(0, 0.3, size=(100, 20)), dt=1 * ms)
    stimulus = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4, 0], [1, 2, 3, 5, 8, 9] * ms, period=12 * ms, name="stim")
    neurons = NeuronGroup(20, """dv/dt = (drive(t) + pattern(t, i) + I_syn - v) / (8 * ms) : 1
                                 I_syn : 1
                                 counter : integer
                                 calm : boolean""",
                          threshold="v > 1", reset="v = 0", method="euler", events={"high": "v > 0.7"},
                          name="neurons")
    neurons.run_on_event("high", "counter += 1")
    neurons.run_regularly("calm = v < 0.2", dt=2 * ms, name="neurons_check")
    mirror = NeuronGroup(20, "v_copy : 1 (linked)\ndu/dt = (v_copy - u) / (3 * ms) : 1", method="exact",
                         clock=slow_clock, name="mirror")
    mirror.v_copy = linked_var(neurons, "v")
    synapses = Synapses(stimulus, neurons, """w : 1
                                              I_syn_post = g : 1 (summed)
                                              dg/dt = -g / (4 * ms) : 1 (clock-driven)""",
                        on_pre={"pre": "g += w", "late": "w = clip(w * 1.05, 0, 1)"},
                        on_post="w = clip(w - 0.01, 0, 1)", method="exact", name="synapses")
    synapses.connect(p=0.6)
    synapses.w = "0.3 + 0.2 * rand()"
    synapses.pre.delay = "rand() * 3 * ms"
    synapses.late.delay = 4 * ms
    on_high = Synapses(neurons, mirror, on_pre="u_post += 0.01", on_event="high", name="on_high")
    on_high.connect(j="i")
    net = Network(stimulus, neurons, mirror, synapses, on_high, SpikeMonitor(neurons, name="spikes"),
                  SpikeMonitor(stimulus, name="stim_spikes"),
                  EventMonitor(neurons, "high", variables="v", name="high"),
                  StateMonitor(mirror, "u", record=[0, 5], name="mirror_u"),
                  PopulationRateMonitor(neurons, name="rate"))
    brian2nwb.snapshot(net, seed=13)
    net.run(60 * ms)
    return net


def two_runs() -> Network:
    """Two consecutive runs with a parameter change (a run constant and a variable) between them;
    one variable is float32."""
    group = NeuronGroup(30, "dv/dt = (I - v) / tau + 0.1 * xi / sqrt(ms) : 1\nI : 1", threshold="v > 1",
                        reset="v = 0", method="euler", dtype={"I": np.float32}, name="group")
    group.I = 1.2
    net = Network(group, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=21)
    tau = 10 * ms
    net.run(40 * ms, namespace={"tau": tau})
    group.I = "0.9 + 0.5 * i / N"
    tau = 5 * ms
    net.run(40 * ms, namespace={"tau": tau})
    return net


def branched_cell() -> Network:
    """A SpatialNeuron with a branched morphology (soma; a dendrite with two children, one of them given by
    coordinates and one with tapering diameters; an axon), Hodgkin-Huxley channels, a synaptic point current
    on a dendritic branch driven by spike trains, and a threshold at the soma."""
    morphology = Soma(diameter=25 * um)
    morphology.dendrite = Cylinder(diameter=2 * um, length=120 * um, n=4)
    morphology.dendrite.left = Section(diameter=[1.5, 1.2, 0.9] * um, length=[40, 45] * um, n=2)
    morphology.dendrite.right = Cylinder(diameter=1 * um, n=3, x=[0, 50] * um, y=[0, 30] * um)
    morphology.axon = Cylinder(diameter=1 * um, length=300 * um, n=8)
    equations = """Im = gl * (El - v) + gNa * m**3 * h * (ENa - v) + g_K * (EK - v) : amp/meter**2
                   g_K = gK * n**4 : siemens/meter**2 (constant over dt)
                   I_syn = g_syn * (E_syn - v) : amp (point current)
                   I_inj : amp (point current)
                   dg_syn/dt = -g_syn / (3 * ms) : siemens
                   dm/dt = alpham * (1 - m) - betam * m : 1
                   dn/dt = alphan * (1 - n) - betan * n : 1
                   dh/dt = alphah * (1 - h) - betah * h : 1
                   alpham = (0.1/mV) * 10*mV / exprel((-v + 25*mV + El) / (10*mV)) / ms : Hz
                   betam = 4 * exp((El - v) / (18*mV)) / ms : Hz
                   alphah = 0.07 * exp((El - v) / (20*mV)) / ms : Hz
                   betah = 1 / (exp((-v + 30*mV + El) / (10*mV)) + 1) / ms : Hz
                   alphan = (0.01/mV) * 10*mV / exprel((-v + 10*mV + El) / (10*mV)) / ms : Hz
                   betan = 0.125 * exp((El - v) / (80*mV)) / ms : Hz
                   gNa : siemens/meter**2
                   gK : siemens/meter**2"""
    neuron = SpatialNeuron(morphology, equations, Cm=1 * uF / cm**2, Ri=100 * ohm * cm, threshold="v > -20 * mV",
                           threshold_location=0, refractory="v > -30 * mV", method="exponential_euler",
                           namespace={"El": -65 * mV, "ENa": 50 * mV, "EK": -77 * mV, "gl": 0.3 * msiemens / cm**2,
                                      "E_syn": 0 * mV},
                           name="cell")
    neuron.v = -65 * mV
    neuron.m, neuron.n, neuron.h = 0.05, 0.32, 0.6
    neuron.gNa = 120 * msiemens / cm**2
    neuron.gK = 36 * msiemens / cm**2
    neuron.dendrite.gNa = 0 * siemens / cm**2
    neuron.I_inj[0] = 1 * nA
    inputs = SpikeGeneratorGroup(3, [0, 1, 2] * 4, [2, 3, 4, 8, 9, 10, 14, 15, 16, 20, 21, 22] * ms, name="inputs")
    synapses = Synapses(inputs, neuron.dendrite.left, "w : siemens", on_pre="g_syn += w", name="synapses")
    synapses.connect(i=[0, 1, 2], j=[0, 1, 1])
    synapses.w = [20, 30, 40] * nS
    net = Network(neuron, inputs, synapses, SpikeMonitor(neuron, name="spikes"),
                  StateMonitor(neuron, ["v", "m"], record=[0, 1, 5, 7], name="trace"))
    brian2nwb.snapshot(net, seed=17)
    net.run(25 * ms)
    return net


def short_term_plasticity() -> Network:
    """Tsodyks-Markram synapses whose pathway code assigns a temporary and carries comments, a
    '(constant over dt)' subexpression in the synapses, and a run_regularly operation on the synapses."""
    drive = PoissonGroup(20, 50 * Hz, name="drive")
    cells = NeuronGroup(5, "dv/dt = (g_e - v) / (10 * ms) : 1\ndg_e/dt = -g_e / (5 * ms) : 1", threshold="v > 0.4",
                        reset="v = 0", method="euler", name="cells")
    synapses = Synapses(drive, cells, """du_S/dt = (U_0 - u_S) / (200 * ms) : 1 (clock-driven)
                                         dx_S/dt = (1 - x_S) / (300 * ms) : 1 (clock-driven)
                                         w_e : 1
                                         gain = 1 + 0.1 * sin(2 * pi * t / (40 * ms)) : 1 (constant over dt)""",
                        on_pre="""u_S += U_0 * (1 - u_S)  # facilitation
                                  r_S = u_S * x_S        # released fraction, a temporary
                                  x_S -= r_S
                                  g_e_post += w_e * r_S * gain""",
                        method="exact", namespace={"U_0": 0.3}, name="tm")
    synapses.connect(p=0.5)
    synapses.x_S = 1
    synapses.u_S = 0.3
    synapses.w_e = "0.5 + 0.5 * rand()"
    synapses.run_regularly("w_e = clip(w_e * 1.01, 0, 2)", dt=5 * ms, name="tm_growth")
    net = Network(drive, cells, synapses, SpikeMonitor(cells, name="spikes"),
                  StateMonitor(synapses, ["u_S", "x_S"], record=[0, 1], name="tm_state"))
    brian2nwb.snapshot(net, seed=23)
    net.run(80 * ms)
    return net


def linked_everywhere() -> Network:
    """Linked variables of every sort (from Synapses to a subexpression, with an index array, to a subgroup's
    variable), a StateMonitor recording a linked variable, and run_regularly on a PoissonGroup and a Subgroup."""
    glob = NeuronGroup(1, "G = H - 5 * Hz : Hz\ndH/dt = -H / (50 * ms) : Hz", method="exact", name="glob")
    glob.H = 40 * Hz
    drive = PoissonGroup(10, 80 * Hz, name="drive")
    drive.run_regularly("rates = 40 * Hz + 40 * Hz * int(t > 30 * ms)", dt=10 * ms, name="drive_switch")
    cells = NeuronGroup(8, "dv/dt = -v / (10 * ms) : 1\nbias : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="cells")
    half = cells[4:]
    half.run_regularly("bias = bias + 0.01", dt=5 * ms, name="half_drift")
    readout = NeuronGroup(8, "v_seen : 1 (linked)\nbias_seen : 1 (linked)", name="readout")
    readout.v_seen = linked_var(cells, "v", index=np.array([7, 6, 5, 4, 3, 2, 1, 0]))
    readout.bias_seen = linked_var(cells, "bias")
    small = NeuronGroup(4, "v_half : 1 (linked)", name="small")
    small.v_half = linked_var(half, "v")
    synapses = Synapses(drive, cells, "G : Hz (linked)\nw : 1", on_pre="v_post += w\nw += G * 0.1 * ms",
                        name="plastic")
    synapses.connect(p=0.6)
    synapses.w = 0.4
    synapses.G = linked_var(glob, "G")
    net = Network(glob, drive, cells, readout, small, synapses, SpikeMonitor(cells, name="spikes"),
                  StateMonitor(synapses, ["G", "w"], record=[0, 1], name="linked_trace"),
                  StateMonitor(readout, ["v_seen", "bias_seen"], record=True, name="readout_trace"),
                  StateMonitor(small, "v_half", record=True, name="small_trace"))
    brian2nwb.snapshot(net, seed=29)
    net.run(60 * ms)
    return net


def store_restore_loop() -> Network:
    """The common "restore, change the stimulus, run" loop: noise and Poisson input with the script's own
    random numbers (no seed given to snapshot), a stored state restored before every trial."""
    drive = PoissonGroup(20, 100 * Hz, name="drive")
    cells = NeuronGroup(10, "dv/dt = (stimulus - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1\nstimulus : 1 (shared)",
                        threshold="v > 1", reset="v = 0", method="euler", name="cells")
    synapses = Synapses(drive, cells, on_pre="v_post += 0.1", delay=1 * ms, name="input")
    synapses.connect(p=0.3)
    net = Network(drive, cells, synapses, SpikeMonitor(cells, name="spikes"),
                  StateMonitor(cells, "v", record=[0], name="trace"))
    brian2nwb.snapshot(net)
    net.store("trial_start")
    for stimulus in (0.6, 0.9, 1.2):
        net.restore("trial_start")
        cells.stimulus = stimulus
        net.run(15 * ms)
    return net


def store_before_snapshot() -> Network:
    """Network.store() called before snapshot() (the recorder joins later) and restored after two runs."""
    cells = NeuronGroup(6, "dv/dt = (1.2 - v) / (10 * ms) + 0.1 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="cells")
    cells.v = "rand()"
    net = Network(cells, SpikeMonitor(cells, name="spikes"))
    net.store()
    cells.v = 0.5  # after the store: the first run starts here, the restores go back to rand()
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    net.run(10 * ms)
    net.restore()
    net.run(15 * ms)
    return net


def changed_between_runs() -> Network:
    """A burn-in run, then a monitor added, a synapse object switched off and on, a shared variable and a
    per-neuron variable changed, and a monitor removed between runs."""
    drive = PoissonGroup(15, 80 * Hz, name="drive")
    cells = NeuronGroup(8, "dv/dt = (gain * I - v) / (10 * ms) : 1\nI : 1\ngain : 1 (shared)", threshold="v > 1",
                        reset="v = 0", method="exact", name="cells")
    cells.I = 0.8
    cells.gain = 1
    synapses = Synapses(drive, cells, on_pre="v_post += 0.2", name="input")
    synapses.connect(p=0.4)
    early = SpikeMonitor(cells, name="early_spikes")
    net = Network(drive, cells, synapses, early)
    brian2nwb.snapshot(net, seed=31)
    net.run(20 * ms)
    late = SpikeMonitor(cells, name="late_spikes")
    trace = StateMonitor(cells, "v", record=[1], name="late_trace")
    net.add(late, trace)
    cells.gain = 1.5
    synapses.active = False
    net.run(15 * ms)
    synapses.active = True
    cells.I = "0.5 + 0.1 * i"
    net.remove(early)
    net.run(15 * ms)
    return net


NETWORKS = {f.__name__: f for f in (ei_random, stdp, sparse_poisson_input, sde, kitchen_sink, two_runs, branched_cell,
                                               short_term_plasticity, linked_everywhere, store_restore_loop,
                                               store_before_snapshot, changed_between_runs)}


def everything(target: str = "numpy") -> Network:
    """Noise (xi), rand() in the reset, per-synapse delays, STDP, a PoissonInput, a SpikeGeneratorGroup whose
    spikes come mid-stream, a TimedArray and a run_regularly operation (on C++ standalone, call it after
    ``set_device``: the target is then ignored)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    prefs.codegen.target = target
    seed(11)
    drive = TimedArray([0.8, 1.3, 1.0, 1.2], dt=40 * ms, name="drive")
    group = NeuronGroup(40, "dv/dt = (drive(t) + bias - v) / (10*ms) + 0.3 * xi / sqrt(10*ms) : 1\nbias : 1",
                        threshold="v > 1", reset="v = 0.2 * rand()", method="euler", name="neurons",
                        namespace={"drive": drive})
    group.run_regularly("bias = 0.9 * bias + 0.01 * rand()", dt=5 * ms, name="drift")
    stdp = Synapses(group, group, """w : 1
                                     dapre/dt = -apre / (20*ms) : 1 (event-driven)
                                     dapost/dt = -apost / (20*ms) : 1 (event-driven)""",
                    on_pre="v_post += w\napre += 0.01\nw = clip(w + apost, 0, 0.2)",
                    on_post="apost -= 0.012\nw = clip(w + apre, 0, 0.2)", name="stdp")
    stdp.connect(p=0.2)
    stdp.w = "0.1 * rand()"
    stdp.delay = "2*ms + 6*ms * rand()"
    inputs = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4, 0, 2], [10, 40, 60, 120, 140, 160, 190] * ms, name="inputs")
    feed = Synapses(inputs, group, on_pre="v_post += 0.5", delay=3 * ms, name="feed")
    feed.connect(p=0.5)
    noise = PoissonInput(group, "v", 10, 20 * Hz, weight=0.05)
    return Network(group, stdp, inputs, feed, noise, SpikeMonitor(group, name="spikes"))


def periodic_generator(target: str = "numpy") -> Network:
    """A SpikeGeneratorGroup repeating every 30 ms into delayed synapses: runs of 23 ms end mid-period."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    prefs.codegen.target = target
    generator = SpikeGeneratorGroup(3, [0, 1, 2, 0], [5, 10, 20, 27] * ms, period=30 * ms, name="generator")
    neurons = NeuronGroup(3, "v : 1", threshold="v > 0.5", reset="v = 0", name="neurons")
    synapses = Synapses(generator, neurons, on_pre="v += 1", delay=2 * ms, name="synapses")
    synapses.connect(j="i")
    return Network(generator, neurons, synapses, SpikeMonitor(generator, name="sent"),
                   SpikeMonitor(neurons, name="received"))


#: How long the rich network runs.
RICH_DURATION = 60 * ms


def rich_network():
    """A network that uses every monitor and input kind to_nwb writes."""
    rng = np.random.default_rng(1)
    drive = TimedArray(np.linspace(5, 25, 80) * mV, dt=1 * ms)
    pattern = TimedArray(rng.uniform(0, 0.4, size=(150, 50)) * nA, dt=0.5 * ms)
    neurons = NeuronGroup(
        50,
        """dv/dt = (drive(t) * gain + pattern(t, i) * 20 * Mohm - v) / (5 * ms) : volt (unless refractory)
           x : 1
           gain : 1 (constant)""",
        threshold="v > 15 * mV", reset="v = 0 * mV", refractory=2 * ms, method="exact",
        events={"high": "v > 12 * mV"}, name="neurons",
        namespace={"Mohm": 1e6 * ohm},
    )
    neurons.v = "rand() * 10 * mV"
    neurons.x = "i * 0.5"
    neurons.gain = "i < 47"
    exc, inh = neurons[:40], neurons[40:]
    slow = NeuronGroup(5, "dv/dt = (20 * mV - v) / (10 * ms) : volt", threshold="v > 10 * mV",
                       reset="v = 0 * mV", method="exact", dt=0.5 * ms, name="slow")
    stimulus = SpikeGeneratorGroup(4, [0, 1, 2, 3, 1], [1, 2, 3, 4, 7] * ms, period=10 * ms, name="input")
    synapses = Synapses(stimulus, neurons, "dw/dt = -w / (20 * ms) : volt (clock-driven)",
                        on_pre="v_post += w", method="exact", name="input_syn")
    synapses.connect("j < 47", p=0.5)  # neurons 47-49 stay silent
    synapses.w = "(1 + rand()) * mV"
    monitors = [
        SpikeMonitor(neurons, variables=["v", "x"], name="spikes_all"),
        SpikeMonitor(neurons, name="spikes_again"),
        SpikeMonitor(exc, name="spikes_exc"),
        SpikeMonitor(inh, variables="v", name="spikes_inh"),
        SpikeMonitor(slow, name="spikes_slow"),
        SpikeMonitor(stimulus, name="spikes_input"),
        EventMonitor(neurons, "high", variables=["v"], name="high_events"),
        StateMonitor(neurons, ["v", "not_refractory"], record=[0, 5, 45], name="trace"),
        StateMonitor(slow, "v", record=True, dt=1 * ms, name="trace_slow"),
        StateMonitor(synapses, "w", record=[0, 1, 2], name="syn_trace"),
        PopulationRateMonitor(neurons, name="rate_all"),
        PopulationRateMonitor(exc, name="rate_exc"),
    ]
    net = Network(neurons, exc, inh, slow, stimulus, synapses, *monitors)
    brian2nwb.snapshot(net)
    net.run(RICH_DURATION)
    return net, {"drive": drive, "pattern": pattern}


def poisson_driven() -> Network:
    """PoissonGroup input (seeded runs) that a file can replay from its recorded spikes."""
    drive = PoissonGroup(30, 60 * Hz, name="drive")
    neurons = NeuronGroup(10, "dv/dt = -v / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                          name="neurons")
    synapses = Synapses(drive, neurons, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=0.5)
    synapses.w = "0.1 + 0.2 * rand()"
    net = Network(drive, neurons, synapses, SpikeMonitor(drive, name="drive_spikes"),
                  SpikeMonitor(neurons, name="spikes"))
    brian2nwb.snapshot(net, seed=1)
    net.run(100 * ms)
    return net
