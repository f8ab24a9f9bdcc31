//! High-level helpers: fetch the chain id, latest height and the sender's
//! nonce, build and sign the transaction, broadcast it and wait for the
//! commit. A receipt whose status is not OK becomes [`SdkError::TxFailed`].

use super::Client;
use crate::error::SdkError;
use crate::tx::{self, TxBuilder};
use bayledger_types::{Address, Hash, SecretKey, pb};

impl Client {
    /// Builds a transaction for `key` with `build`, signs, broadcasts and waits
    /// for the commit; returns the successful receipt.
    pub async fn submit(
        &self,
        key: &SecretKey,
        build: impl FnOnce(&TxBuilder) -> Result<pb::TxBody, SdkError>,
    ) -> Result<pb::Receipt, SdkError> {
        let sender = key.address();
        let status = self.status().await?;
        let nonce = self.account_nonce(&sender).await?;
        let builder = TxBuilder::new(status.chain_id, sender, nonce)
            .fuel_limit(self.fuel_limit)
            .expires_after(status.latest_height, self.expiry_blocks);
        let body = build(&builder)?;
        let result = self.broadcast(tx::sign(&body, key), true, self.commit_timeout).await?;
        let mut receipt = result.receipt.ok_or_else(|| {
            SdkError::Timeout(format!(
                "transaction {} was accepted but not committed within {:?}",
                result.tx_hash, self.commit_timeout
            ))
        })?;
        if receipt.tx_hash.is_empty() {
            receipt.tx_hash = result.tx_hash.0.to_vec();
        }
        ensure_ok(receipt, result.tx_hash)
    }

    /// Uploads WASM code; returns its code hash and the receipt.
    pub async fn upload_code(
        &self,
        key: &SecretKey,
        wasm: Vec<u8>,
    ) -> Result<(Hash, pb::Receipt), SdkError> {
        let receipt = self.submit(key, |b| b.upload(wasm)).await?;
        let hash = Hash::from_slice(&receipt.code_hash).ok_or_else(|| {
            SdkError::BadResponse("upload receipt has no 32-byte code_hash".into())
        })?;
        Ok((hash, receipt))
    }

    /// Instantiates uploaded code; returns the new contract's address and the receipt.
    pub async fn instantiate(
        &self,
        key: &SecretKey,
        code_hash: Hash,
        init_msg: Vec<u8>,
        label: &str,
    ) -> Result<(Address, pb::Receipt), SdkError> {
        let receipt = self.submit(key, |b| b.instantiate(code_hash, init_msg, label)).await?;
        let address = Address::from_slice(&receipt.contract_address).map_err(|e| {
            SdkError::BadResponse(format!("instantiate receipt contract_address: {e}"))
        })?;
        Ok((address, receipt))
    }

    /// Calls a contract; returns the receipt.
    pub async fn call(
        &self,
        key: &SecretKey,
        contract: Address,
        msg: Vec<u8>,
    ) -> Result<pb::Receipt, SdkError> {
        self.submit(key, |b| Ok(b.call(contract, msg))).await
    }
}

/// The receipt if its status is OK, else [`SdkError::TxFailed`].
pub fn ensure_ok(receipt: pb::Receipt, tx_hash: Hash) -> Result<pb::Receipt, SdkError> {
    match receipt.status() {
        pb::ExecStatus::Ok => Ok(receipt),
        status => Err(SdkError::TxFailed { status, error: receipt.error, tx_hash }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ok_receipts_pass() {
        let h = Hash([1; 32]);
        let ok =
            pb::Receipt { status: pb::ExecStatus::Ok as i32, fuel_used: 5, ..Default::default() };
        assert_eq!(ensure_ok(ok.clone(), h).expect("ok"), ok);
        for status in [pb::ExecStatus::Unspecified, pb::ExecStatus::Trap, pb::ExecStatus::Aborted] {
            let r =
                pb::Receipt { status: status as i32, error: "boom".into(), ..Default::default() };
            match ensure_ok(r, h) {
                Err(SdkError::TxFailed { status: s, error, tx_hash }) => {
                    assert_eq!((s, error.as_str(), tx_hash), (status, "boom", h));
                }
                other => panic!("{other:?}"),
            }
        }
        let unknown = pb::Receipt { status: 99, ..Default::default() };
        assert!(matches!(ensure_ok(unknown, h), Err(SdkError::TxFailed { .. })));
    }
}
