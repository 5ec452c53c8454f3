//! A fleet of sensor models, device `i` of the fleet being `Model::new(seed, i, threshold)`.

use std::time::Duration;

use super::Model;

/// The models of `n` devices sharing one seed.
#[derive(Debug, Clone)]
pub struct Fleet {
    models: Vec<Model>,
}

impl Fleet {
    /// `n` devices, indexed from 0, seeded with `seed`, alerting under `threshold`.
    pub fn new(seed: u64, n: usize, threshold: f64) -> Fleet {
        Fleet {
            models: (0..n).map(|i| Model::new(seed, i, threshold)).collect(),
        }
    }

    /// How many devices.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// Whether the fleet has no devices.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Every device's next humidity after `elapsed`, in device order.
    pub fn next(&mut self, elapsed: Duration) -> Vec<f64> {
        self.models.iter_mut().map(|m| m.next(elapsed)).collect()
    }

    /// Device `index`'s model.
    pub fn model(&self, index: usize) -> Option<&Model> {
        self.models.get(index)
    }

    /// Device `index`'s model, to step it alone or to open its valve.
    pub fn model_mut(&mut self, index: usize) -> Option<&mut Model> {
        self.models.get_mut(index)
    }

    /// All models, in device order.
    pub fn models(&self) -> &[Model] {
        &self.models
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleet_devices_are_the_models_by_index() {
        let mut fleet = Fleet::new(5, 3, 35.0);
        assert_eq!(fleet.len(), 3);
        assert!(!fleet.is_empty());
        let mut alone = Model::new(5, 2, 35.0);
        let step = Duration::from_secs(5);
        for _ in 0..10 {
            let values = fleet.next(step);
            assert_eq!(values.len(), 3);
            assert_eq!(values[2], alone.next(step));
        }
        assert!(fleet.model(3).is_none());
        assert!(Fleet::new(5, 0, 35.0).is_empty());
    }

    #[test]
    fn valve_of_one_device() {
        let mut fleet = Fleet::new(6, 2, 35.0);
        if let Some(model) = fleet.model_mut(1) {
            model.set_valve(true);
        }
        assert!(fleet.models()[1].valve_open());
        assert!(!fleet.models()[0].valve_open());
    }
}
