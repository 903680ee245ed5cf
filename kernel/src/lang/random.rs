//! `np.random`'s legacy generator (`np.random.seed`, `rand`, `randn`, `random`, `normal`,
//! `uniform`, `randint`): numpy's Mersenne Twister and its formulas, so a seeded notebook
//! draws the same numbers as numpy. `default_rng` (PCG64) is refused until it can match.
#![allow(
    clippy::needless_pass_by_value,
    reason = "all builtins share the `Func` signature"
)]

use nereus_engine::coding::Meaning;
use std::cell::RefCell;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};
use rand_mt::Mt;

use super::error::{Exc, ExcKind, Res};
use super::functions::items;
use super::ndarray::NdArray;
use super::registry::{Args, Builtin, Ctx, Module};
use super::value::Value;
use nereus_engine::model::Block;

/// numpy's legacy state: the twister and the second normal of the last polar pair.
struct State {
    mt: Mt,
    gauss: Option<f64>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Runs `f` on the generator, seeding it from the clock if no cell seeded it (numpy seeds
/// from the operating system's entropy at import).
fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let state = s.get_or_insert_with(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| {
                    d.subsec_nanos() ^ u32::try_from(d.as_secs() & 0xffff_ffff).unwrap_or(0)
                });
            State {
                mt: Mt::new(nanos),
                gauss: None,
            }
        });
        f(state)
    })
}

/// Forgets the seed (a new interpreter starts unseeded, as a new Python process does).
pub(crate) fn reset() {
    STATE.with(|s| *s.borrow_mut() = None);
}

impl State {
    /// numpy's `random_standard_uniform` for MT19937: 53 random bits in [0, 1).
    fn uniform(&mut self) -> f64 {
        let a = f64::from(self.mt.next_u32() >> 5);
        let b = f64::from(self.mt.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// numpy's `legacy_gauss`: the polar method, caching the pair's second value.
    fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.uniform() - 1.0;
            let x2 = 2.0 * self.uniform() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// numpy's masked rejection for a value in `0..=max` (`max` below 2**32).
    fn bounded(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let v = self.mt.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }
}

/// A `size` argument: None (one number) or an int or tuple of ints (an array's shape).
fn size_arg(v: Option<Value>) -> Res<Option<Vec<usize>>> {
    let one = |v: &Value| {
        v.as_int()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| Exc::value_error("negative dimensions are not allowed"))
    };
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v @ (Value::Tuple(_) | Value::List(_))) => {
            Ok(Some(items(&v)?.iter().map(one).collect::<Res<_>>()?))
        }
        Some(v) => Ok(Some(vec![one(&v)?])),
    }
}

/// `n` draws as a numpy float scalar (`shape` None) or array.
fn floats(shape: Option<Vec<usize>>, mut draw: impl FnMut(&mut State) -> f64) -> Res<Value> {
    let dims = shape.clone().unwrap_or_default();
    let n: usize = dims.iter().product();
    Exc::check_memory(n as u128 * 8, || format!("{n} random numbers"))?;
    let values: Vec<f64> = with_state(|s| (0..n).map(|_| draw(s)).collect());
    let block = ArrayD::from_shape_vec(IxDyn(&dims), values)
        .map_err(|e| Exc::value_error(e.to_string()))?;
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::F64(block)),
        meaning: Meaning::Numbers,
        scalar: shape.is_none(),
    })))
}

fn number(v: Option<Value>, default: f64, name: &str) -> Res<f64> {
    match v {
        None => Ok(default),
        Some(v) => v.as_f64().ok_or_else(|| {
            Exc::new(
                ExcKind::NotImplementedError,
                format!("np.random with an array {name} is not supported in Nereus; give a number"),
            )
        }),
    }
}

/// `np.random.seed(seed=None)`.
fn seed(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    match p.take("seed") {
        None | Some(Value::None) => reset(),
        Some(v) => {
            let s = v
                .as_int()
                .and_then(|s| u32::try_from(s).ok())
                .ok_or_else(|| Exc::value_error("Seed must be between 0 and 2**32 - 1"))?;
            STATE.with(|st| {
                *st.borrow_mut() = Some(State {
                    mt: Mt::new(s),
                    gauss: None,
                });
            });
        }
    }
    Ok(Value::None)
}

/// The shape `rand(d0, d1, ...)` and `randn` take as separate arguments (None: one number).
fn dims_of(args: Args) -> Res<Option<Vec<usize>>> {
    if args.pos.is_empty() {
        return Ok(None);
    }
    size_arg(Some(Value::Tuple(Arc::new(args.pos))))
}

/// `np.random.rand(d0, d1, ...)`: uniform on [0, 1), shaped by the arguments.
fn rand(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    floats(dims_of(args)?, State::uniform)
}

/// `np.random.randn(d0, d1, ...)`: standard normal, shaped by the arguments.
fn randn(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    floats(dims_of(args)?, State::gauss)
}

/// `np.random.random(size=None)` and `random_sample`.
fn random(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    floats(size_arg(p.take("size"))?, State::uniform)
}

/// `np.random.normal(loc=0.0, scale=1.0, size=None)`.
fn normal(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let loc = number(p.take("loc"), 0.0, "loc")?;
    let scale = number(p.take("scale"), 1.0, "scale")?;
    if scale < 0.0 {
        return Err(Exc::value_error("scale < 0"));
    }
    floats(size_arg(p.take("size"))?, |s| loc + scale * s.gauss())
}

/// `np.random.uniform(low=0.0, high=1.0, size=None)`.
fn uniform(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let low = number(p.take("low"), 0.0, "low")?;
    let high = number(p.take("high"), 1.0, "high")?;
    floats(size_arg(p.take("size"))?, |s| {
        low + (high - low) * s.uniform()
    })
}

/// `np.random.randint(low, high=None, size=None)`: int64 in [low, high).
fn randint(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let mut p = args.bind()?;
    let int = |v: Value| {
        v.as_int()
            .ok_or_else(|| Exc::type_error("randint bounds must be integers"))
    };
    let low = int(p.required("low")?)?;
    let (low, high) = match p.take("high") {
        None | Some(Value::None) => (0, low),
        Some(h) => (low, int(h)?),
    };
    if high <= low {
        return Err(Exc::value_error("low >= high"));
    }
    let span = u32::try_from(high - low - 1).map_err(|_| {
        Exc::new(
            ExcKind::NotImplementedError,
            "np.random.randint over a range wider than 2**32 is not supported in Nereus",
        )
    })?;
    let shape = size_arg(p.take("size"))?;
    let dims = shape.clone().unwrap_or_default();
    let n: usize = dims.iter().product();
    Exc::check_memory(n as u128 * 8, || format!("{n} random numbers"))?;
    let values: Vec<i64> =
        with_state(|s| (0..n).map(|_| low + i64::from(s.bounded(span))).collect());
    let block = ArrayD::from_shape_vec(IxDyn(&dims), values)
        .map_err(|e| Exc::value_error(e.to_string()))?;
    Ok(Value::NdArray(Arc::new(NdArray {
        block: Arc::new(Block::I64(block)),
        meaning: Meaning::Numbers,
        scalar: shape.is_none(),
    })))
}

/// `np.random.default_rng`: refused rather than drawing numbers numpy would not.
fn default_rng(_: &mut Ctx<'_>, _: Args) -> Res<Value> {
    Err(Exc::new(
        ExcKind::NotImplementedError,
        "np.random.default_rng is not supported in Nereus yet (its numbers would differ from numpy's); np.random.seed with np.random.normal, rand, randn, random, uniform and randint draw numpy's numbers",
    ))
}

static RANDOM_FUNCTIONS: &[Builtin] = &[
    method!("numpy.random", "seed", "seed(seed=None)", seed,
        "Seeds numpy's legacy generator (Mersenne Twister): the draws that follow are numpy's for the same seed."),
    method!("numpy.random", "rand", "rand(*shape)", rand,
        "Uniform numbers in [0, 1), one (no arguments) or an array of the given shape."),
    method!("numpy.random", "randn", "randn(*shape)", randn,
        "Standard normal numbers, one (no arguments) or an array of the given shape."),
    method!("numpy.random", "random", "random(size=None)", random,
        "Uniform numbers in [0, 1): one, or an array of shape `size`."),
    method!("numpy.random", "random_sample", "random_sample(size=None)", random,
        "Uniform numbers in [0, 1): one, or an array of shape `size`."),
    method!("numpy.random", "normal", "normal(loc=0.0, scale=1.0, size=None)", normal,
        "Normal numbers of mean `loc` and standard deviation `scale`: one, or an array of shape `size`."),
    method!("numpy.random", "uniform", "uniform(low=0.0, high=1.0, size=None)", uniform,
        "Uniform numbers in [low, high): one, or an array of shape `size`."),
    method!("numpy.random", "randint", "randint(low, high=None, size=None)", randint,
        "Integers in [low, high) (or [0, low)): one, or an int64 array of shape `size`."),
    method!("numpy.random", "default_rng", "default_rng(seed=None)", default_rng,
        "numpy's PCG64 Generator: not supported in Nereus yet."),
];

/// `np.random`.
pub(crate) static RANDOM: Module = Module {
    name: "numpy.random",
    doc: "numpy's legacy random generator: seed, rand, randn, random, normal, uniform, randint (numpy's numbers for the same seed).",
    functions: RANDOM_FUNCTIONS,
    constants: &[],
    pending: Some("Nereus implements numpy's legacy generator functions seed, rand, randn, random, random_sample, normal, uniform and randint"),
};
