// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title 益币 (YiCoin): public-welfare points with an ERC-20 interface.
/// @notice A reward point, not a currency: earned only through the hour ledger, spendable only at a
/// registered, active merchant of the alliance, burned when the merchant settles. Two decimals,
/// so a 45-minute session at 10 points/hour earns 7.50 益币 instead of a rounded 7.
/// A pause freezes spending and settlement; hours and their points keep being recorded.
/// Points are minted lazily: `balanceOf` and `totalSupply` include the points the ledger owes
/// (IHourLedger.pointsOwed) as soon as the hours are accepted, but their Transfer from 0x0 is
/// emitted when the account is first debited (a spend, a settlement burn).
interface IYiCoin is IERC20Metadata {
    error YiCoinNotLedger(address caller);
    error YiCoinNotAlliance(address caller);
    error YiCoinRecipientNotMerchant(address recipient);
    error YiCoinAllianceAlreadySet(address alliance);
    error YiCoinZeroAddress();

    event AllianceSet(address indexed alliance);

    /// @notice Burns up to `amount` of a revoked attestation's points from minted 益币 (the ledger
    /// has taken them from the owed points first); returns what was burned. Only the ledger.
    function burnRevoked(address volunteer, uint256 amount) external returns (uint256 burned);

    /// @notice Moves points for a redemption the alliance has checked. Only the alliance.
    function redemptionTransfer(address volunteer, address merchant, uint256 amount) external;

    /// @notice Burns points a merchant settles. Only the alliance.
    function burnSettled(address merchant, uint256 amount) external;

    /// @notice Binds the merchant alliance, once. Only the admin.
    function setAlliance(address alliance) external;

    function ledger() external view returns (address);

    function alliance() external view returns (address);

    function pause() external;

    function unpause() external;
}
