import ParamShareEngine

/// Per-weight building blocks for generators, specialised for `Float` and `Double`.
///
/// A plan's methods are called through generics that cannot be specialised across modules, so a
/// loop over weights written in the plan itself runs every element through value witnesses:
/// a plug-in written that way trained 50× slower than RPG (22.8 s against 0.45 s for five MLP
/// epochs on digits). These kernels carry `@_specialize` entry points, which generic callers
/// reach through a type check at run time, so a plan that does its per-weight work here runs
/// at the speed of the built-in generators. GEMM is `EngineScalar.gemm`; `y += αx` is the
/// engine's `addScaled(_:times:into:count:)`.
public enum BankKernels {}
